import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { KnowledgeError } from '../../knowledge/loader.js';
import { staleLangs } from '../../knowledge/freshness.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { langSchema, officeSchema, serviceSchema, STATUSES, type Office } from '../../knowledge/schema.js';
import { FilesNotServing, UNDO_WINDOW_MS, type UndoRefusal } from '../status/live-offices.js';
import { audience, previewStatus } from '../knowledge-editor/preview.js';
import type { Authenticator } from './auth.js';
import { hasBearer } from '../../http/bearer.js';
import { inScope, may, TOKEN_PRINCIPAL, type Permission } from './roles.js';
import { refuseUnknownLangs, sendError } from '../../http/errors.js';
import { documented } from '../../http/openapi.js';
import { requireCore, type GetCore } from '../../http/require-core.js';
import { audienceReply, chars } from '../../http/schemas.js';
import { newestFirst, nextPage, pageQuery } from '../../http/paging.js';
import { staffAccountRoutes } from './account-routes.js';
import { statsQuery } from '../insights/stats-range.js';
import { isServiceEntry, type AuditRecord } from '../../storage/index.js';
import type { Knowledge } from '../../knowledge/knowledge.js';
import type { LiveStatus } from '../status/live-offices.js';
import type { Stats } from '../insights/stats.js';
import type { Stores, SubscriptionRepository } from '../../storage/index.js';
import type { Texts } from '../../shared/i18n.js';

declare module '../../http/require-core.js' {
  /** What these routes read of the bot. */
  interface CorePort {
    readonly knowledge: Knowledge;
    readonly live: LiveStatus;
    readonly stats: Stats;
    readonly stores: Stores;
    readonly subscriptions: SubscriptionRepository;
    readonly texts: Texts;
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route needs (src/features/staff/roles.ts); a route of the admin API without one is for admins only. */
    permission?: Permission;
  }
}

/** Requests without the token or a session one client (IP address) may make per minute; staff with either are not limited. */
const REFUSALS_PER_MINUTE = 30;
/**
 * Changes one account (or the token) may make per minute, on each instance: far above what a person
 * does (a status change, an announcement, a reply), far below a flood (300 announcements made a 3 MB list).
 */
export const STAFF_WRITES_PER_MINUTE = 60;
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A date and time with its offset (2025-06-02T09:00+02:00): shown to each citizen in their language's format. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const LOOKS_LIKE_DATE_TIME = /^\d{4}-\d{2}-\d{2}T/;
const expectedReopening = chars(0, 500)
  .refine((s) => !LOOKS_LIKE_DATE_TIME.test(s) || (DATE_TIME.test(s) && !Number.isNaN(Date.parse(s))), 'a date and time needs its UTC offset, e.g. 2025-06-02T09:00+02:00')
  .describe('A date and time with its offset (each language shows it in its own format), or a text shown as written; "" clears it');

const statusChange = z
  .strictObject({
    status: z.enum(STATUSES).optional(),
    expectedReopening: expectedReopening.optional(),
    note: z
      .record(langSchema, chars(0, 2000))
      .optional()
      .describe("The office's note, replacing the one before in every language: a language left out shows the organisation's language's note, marked as such. Left out with a new status: the note is cleared (a note belongs to its status); to keep it, send it again"),
  })
  .refine((change) => Object.keys(change).length > 0, 'a status change needs at least one field');

const officeParams = z.object({ id: chars(0, 100) });

const UNDO_REFUSED: Record<UndoRefusal, string> = {
  nothing: 'This office has no change to undo.',
  expired: `Its last change was made more than ${UNDO_WINDOW_MS / 60_000} minutes ago: make a new change instead.`,
  undone: 'Its last change is an undo already.',
};

// Responses, for the OpenAPI description and the serializer alike.
const officeReply = officeSchema.describe('An office as the knowledge base has it, with staff changes on top');
const boardEntry = officeSchema.extend({
  updatedBy: z.string().optional().describe('Who made the last change (a username, or api-token); with updatedAt, since when'),
  subscribers: z.number().describe('How many would be notified of a change now'),
  notesStale: z.array(z.string()).describe("Languages of the note written before another language's last change: citizens get that one's note, marked, until they are updated"),
});
const stateSnapshot = officeSchema.pick({ status: true, expectedReopening: true, notes: true }).partial();
const officeEntry = z.object({
  at: z.string(),
  office: z.string(),
  actor: z.string(),
  before: stateSnapshot,
  after: stateSnapshot,
  change: z.string().optional().describe('The id of the notice sent for it'),
  undoes: z.string().optional().describe('An undo: the change (its notice id) it took back'),
});
const serviceSnapshot = serviceSchema.pick({ status: true, note: true, expected: true }).partial();
const serviceEntry = z
  .object({ at: z.string(), service: z.string(), actor: z.string(), before: serviceSnapshot, after: serviceSnapshot, change: z.string().describe('The id of the notice sent for it') })
  .describe("A service's change");
const auditEntry = z.union([officeEntry, serviceEntry]);
const byLang = z.record(z.string(), z.string());
const statusPreview = z
  .object({
    office: officeReply,
    noteCleared: z.boolean().describe('The note in force now would go (a new status without a note starts with none)'),
    answers: byLang.describe('What the bot would answer a citizen asking about the office, per language'),
    notices: byLang.describe('What each subscriber would get, per language'),
    subscribers: audienceReply,
  })
  .describe('Nothing was saved or sent');
const counts = z.record(z.string(), z.number());
const statsReply = z.object({
  from: z.string(),
  to: z.string(),
  total: z.number(),
  intents: counts,
  offices: counts,
  langs: counts,
  channels: counts,
  asked: counts.describe('The questions understood by what they asked about what: `<intent>|<office or certificate id>` (no text is kept)'),
  unanswered: z
    .array(z.object({ at: z.string(), lang: z.string(), intent: z.string(), confidence: z.number(), text: z.string().describe('The first 200 characters, personal data redacted') }))
    .describe('Not understood (intent out_of_scope), or answered unsure: below 0.5 confidence or a near toss-up between the two best guesses'),
}).describe('Totals over the days asked for');
const reloaded = z
  .object({ status: z.literal('reloaded'), offices: z.number(), organisations: z.number(), procedures: z.number() })
  .describe('Reloaded: what the new knowledge base holds');

/** A feature's staff routes, mounted under /api/admin (and `prefix`). */
export interface AdminFeature {
  routes: FastifyPluginAsyncZod;
  prefix?: string;
}

export interface AdminOptions {
  getCore: GetCore;
  /** The features' staff routes (src/app/http.ts lists them). */
  features: AdminFeature[];
  /** ADMIN_TOKEN; without it the admin API answers that it is off. */
  token?: string;
  /** Who is calling: the token or a console session (src/features/staff/auth.ts). */
  authenticate: Authenticator;
}

/**
 * The staff's API (under /api/admin): status board, status changes, knowledge reload, statistics,
 * staff accounts, announcements. Every request under the prefix, a path that names no route
 * included, is authenticated first: without the token or a session a caller learns nothing, not
 * even which routes exist. Then the route's permission, then, in the handler, the organisation.
 */
export const adminRoutes: FastifyPluginAsyncZod<AdminOptions> = async (admin, { getCore, features, token, authenticate }) => {
  // What staff read here (statistics, the audit log) stays out of browser and proxy caches, errors included.
  admin.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });
  // One limiter (the plugin runs one per request), before the authentication so that it counts refusals too:
  // requests without the token or a session, per address (guessing the token is slowed down); changes
  // made with either, per account (a script with a stolen session or the token cannot flood the lists
  // and the audit log); staff reading is not limited. A hook of this scope rather than per route: it
  // also counts paths that name no route.
  const staffKey = (request: FastifyRequest) => (token && hasBearer(request, token) ? TOKEN_PRINCIPAL.actor : request.session?.staff?.username);
  await admin.register(rateLimit, { global: false });
  admin.addHook(
    'onRequest',
    admin.rateLimit({
      timeWindow: '1 minute',
      keyGenerator: (request) => {
        const staff = staffKey(request);
        return staff ? `staff:${staff}` : request.ip;
      },
      max: (_request, key) => (key.startsWith('staff:') ? STAFF_WRITES_PER_MINUTE : REFUSALS_PER_MINUTE),
      allowList: (request) => !!staffKey(request) && SAFE.has(request.method),
    }),
  );
  admin.addHook('onRequest', async (request, reply) => {
    if (!token) return sendError(reply, 404, 'The admin API is off: set ADMIN_TOKEN to enable it.');
    request.principal = await authenticate(request);
    if (!request.principal) {
      // Who tried, never what they sent.
      request.log.warn({ ip: request.ip, method: request.method }, 'admin request without a valid token');
      return sendError(reply.header('www-authenticate', 'Bearer'), 401, 'A valid "Authorization: Bearer <ADMIN_TOKEN>" header or a staff session is required.');
    }
  });
  // A change made with the session cookie carries the session's CSRF token (the token itself is never sent by a browser on its own).
  admin.addHook('onRequest', (request, reply, done) => {
    if (request.principal?.via === 'session' && !SAFE.has(request.method)) return admin.csrfProtection(request, reply, done);
    done();
  });
  admin.addHook('onRequest', async (request, reply) => {
    const permission = request.routeOptions.config.permission;
    if (request.is404 || request.principal!.role === 'admin') return;
    if (!permission || !may(request.principal!, permission)) return sendError(reply, 403, `The ${request.principal!.role} role may not do this.`);
  });
  // Under this prefix the not-found answer runs after the hooks above: 401 first, 404 only for staff.
  admin.setNotFoundHandler((request, reply) => sendError(reply, 404, `No route ${request.method} ${request.url}`));
  // After the authentication: a caller without it learns nothing, not even that the bot is starting.
  await admin.register(requireCore, { getCore });

  const board = documented(
    'The status board: the offices of my organisations with their live state, since when, by whom, and how many subscribers a change notifies',
    z.object({ offices: z.array(boardEntry) }).describe('The offices in scope'),
  );
  admin.get('/offices', { schema: board, config: { permission: 'board' } }, async (request) => {
    const { knowledge, live, subscriptions } = request.core;
    const offices = knowledge.offices.filter((o) => inScope(request.principal!, o.organisation));
    const counts = await Promise.all(offices.map((o) => subscriptions.count(o.id)));
    return { offices: offices.map((o, i) => ({ ...o, ...live.changedBy(o.id), subscribers: counts[i], notesStale: staleLangs(o.notes, o.notesWritten) })) };
  });

  const count = documented('How many subscribers a change of this office notifies now', z.object({ office: z.string(), subscribers: z.number() }).describe('The count'));
  admin.get('/offices/:id/subscribers/count', { schema: { params: officeParams, ...count }, config: { permission: 'board' } }, async (request, reply) => {
    const office = request.core.knowledge.office(request.params.id);
    if (!office) return sendError(reply, 404, `No office "${request.params.id}".`);
    if (!inScope(request.principal!, office.organisation)) return sendError(reply, 403, `"${office.id}" is not an office of your organisations.`);
    return { office: office.id, subscribers: await request.core.subscriptions.count(office.id) };
  });

  /** The office the route names, when the caller may change it and the note's languages are known; else the refusal is sent. */
  const changeable = (request: Pick<FastifyRequest, 'core' | 'principal'> & { params: { id: string } }, reply: FastifyReply, note?: Record<string, unknown>): Office | undefined => {
    const office = request.core.knowledge.office(request.params.id);
    if (!office) return void sendError(reply, 404, `No office "${request.params.id}".`);
    if (refuseUnknownLangs(reply, 'note', request.core.texts.langs, note)) return undefined;
    if (!inScope(request.principal!, office.organisation)) return void sendError(reply, 403, `"${office.id}" is not an office of your organisations.`);
    return office;
  };

  const change = documented(
    "Change an office's live state: the next answer reflects it, subscribers are notified, the audit log records it. A new status without a note clears the note; the change can be undone for 10 minutes",
    z.object({ office: officeReply, undoUntil: z.string().describe('Until when POST /offices/:id/undo takes it back') }).describe('The office as it is now'),
    [400],
  );
  admin.patch('/offices/:id', { schema: { params: officeParams, body: statusChange, ...change }, config: { permission: 'status' } }, async (request, reply) => {
    const before = changeable(request, reply, request.body.note);
    if (!before) return reply;
    const office = await request.core.live.update(before.id, request.body, request.principal!.actor);
    return { office: office!, undoUntil: new Date(Date.now() + UNDO_WINDOW_MS).toISOString() };
  });

  const preview = documented(
    'What a status change would make citizens read, per language (the answer to "is it open?" and the notice subscribers get), and how many subscribers it would notify, on which channels: tried on a copy, nothing is saved or sent',
    statusPreview,
    [400],
  );
  admin.post('/offices/:id/preview', { schema: { params: officeParams, body: statusChange, ...preview }, config: { permission: 'status' } }, async (request, reply) => {
    const before = changeable(request, reply, request.body.note);
    if (!before) return reply;
    const { live, texts, subscriptions } = request.core;
    return { ...(await previewStatus(live, texts, before.id, request.body)), subscribers: audience(await subscriptions.subscribers(before.id)) };
  });

  const undo = documented(
    `Undo the office's last change, within ${UNDO_WINDOW_MS / 60_000} minutes of it: its state before comes back, and only the subscribers already told of it get a correction (those not yet told get nothing). Audited. 409 when there is nothing to undo or it is too late`,
    z.object({ office: officeReply }).describe('The office as it is again'),
    [409],
  );
  admin.post('/offices/:id/undo', { schema: { params: officeParams, ...undo }, config: { permission: 'status' } }, async (request, reply) => {
    const before = changeable(request, reply);
    if (!before) return reply;
    const undone = await request.core.live.undo(before.id, request.principal!.actor);
    if ('refused' in undone) return sendError(reply, 409, UNDO_REFUSED[undone.refused], { reason: undone.refused });
    return { office: undone };
  });

  const audit = documented(
    'The audit log of my organisations: when, which office or service, by whom, before and after; the latest `limit` changes (then `before`: older ones)',
    z.object({ entries: z.array(auditEntry), next: nextPage }).describe('The page, oldest first'),
    [400],
  );
  admin.get('/audit', { schema: { querystring: pageQuery, ...audit }, config: { permission: 'status' } }, async (request) => {
    const { knowledge, stores } = request.core;
    const { limit, before } = request.query;
    const orgOf = (e: AuditRecord) => (isServiceEntry(e) ? knowledge.serviceById(e.service) : knowledge.office(e.office))?.organisation;
    const page = await newestFirst(stores.audit, (e) => inScope(request.principal!, orgOf(e)), limit, before);
    return { entries: page.items.reverse(), ...(page.next !== undefined ? { next: page.next } : {}) };
  });

  const reload = documented(
    'Re-read knowledge/; an invalid knowledge base is refused and the previous one stays in service (admins). 409 once a version published from the console or imported serves: load files with `npm run admin -- knowledge import`',
    reloaded,
    [409, 422],
  );
  admin.post('/knowledge/reload', { schema: reload, config: { permission: 'manage' } }, async (request, reply) => {
    try {
      const kb = request.core.live.reload();
      return { status: 'reloaded', offices: kb.offices.length, organisations: kb.organisations.length, procedures: kb.procedures.length };
    } catch (err) {
      if (err instanceof KnowledgeError) {
        return sendError(reply, 422, 'The knowledge base is invalid; the previous one stays in service.', { problems: err.problems });
      }
      if (err instanceof FilesNotServing) return sendError(reply, 409, `Not reloaded: ${err.message}.`);
      throw err;
    }
  });

  const stats = documented(
    'Questions per intent, office, language and channel over at most 366 days (default: today, UTC), what they asked about, and the unanswered or unsure ones redacted; for staff of some organisations, the questions about them, in their organisations\' days (their time zone)',
    statsReply,
    [400],
  );
  admin.get('/stats', { schema: { querystring: statsQuery, ...stats }, config: { permission: 'insights' } }, async (request, reply) => {
    const { from, to, org, untilToday } = request.query;
    if (org && !request.core.knowledge.organisation(org)) return sendError(reply, 400, `querystring/org: no organisation "${org}".`);
    if (org && !inScope(request.principal!, org)) return sendError(reply, 403, `"${org}" is not one of your organisations.`);
    const orgs = request.principal!.orgs;
    return request.core.stats.query(from, to, org ? [org] : orgs === 'all' ? undefined : orgs, untilToday);
  });

  await admin.register(staffAccountRoutes, { prefix: '/staff' });
  // The other features' staff routes, behind the same authentication, permissions and rate limit.
  for (const { routes, prefix } of features) await admin.register(routes, { prefix });
};
