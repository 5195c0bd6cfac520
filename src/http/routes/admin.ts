import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { KnowledgeError } from '../../knowledge/loader.js';
import { langSchema, officeSchema, STATUSES } from '../../knowledge/schema.js';
import { sendError } from '../errors.js';
import { adminAuth, errorResponses } from '../openapi.js';
import { requireCore, type GetCore } from '../require-core.js';
import { chars } from '../schemas.js';

import { hasBearer } from '../bearer.js';

/** Requests without the token one client (IP address) may make per minute; staff with it are not limited. */
const REFUSALS_PER_MINUTE = 30;

const statusChange = z
  .strictObject({
    status: z.enum(STATUSES).optional(),
    expectedReopening: chars(0, 500).optional(),
    note: z.record(langSchema, chars(0, 2000)).optional(),
  })
  .refine((change) => Object.keys(change).length > 0, 'a status change needs at least one field');

const officeParams = z.object({ id: chars(0, 100) });

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD');
const statsQuery = z.strictObject({ from: day.optional(), to: day.optional() });

// Responses, for the OpenAPI description and the serializer alike.
const officeReply = officeSchema.describe('An office as the knowledge base has it, with staff changes on top');
const stateSnapshot = officeSchema.pick({ status: true, expectedReopening: true, notes: true }).partial();
const auditEntry = z.object({ at: z.string(), office: z.string(), actor: z.string(), before: stateSnapshot, after: stateSnapshot });
const counts = z.record(z.string(), z.number());
const statsReply = z.object({
  from: z.string(),
  to: z.string(),
  total: z.number(),
  intents: counts,
  offices: counts,
  langs: counts,
  channels: counts,
  unanswered: z.array(z.object({ at: z.string(), lang: z.string(), intent: z.string(), confidence: z.number(), text: z.string().describe('The first 200 characters, personal data redacted') })),
}).describe('Totals over the days asked for');
const reloaded = z
  .object({ status: z.literal('reloaded'), offices: z.number(), organisations: z.number(), procedures: z.number() })
  .describe('Reloaded: what the new knowledge base holds');

/** An admin route's documentation: the Bearer token, its answer, and the refusals every admin route shares (401, 404 when off, 503). */
const documented = (summary: string, ok: z.ZodType, errors: number[] = []) => ({
  tags: ['admin'],
  summary,
  security: adminAuth,
  response: { 200: ok, ...errorResponses(401, 404, 503, ...errors) },
});

export interface AdminOptions {
  getCore: GetCore;
  /** ADMIN_TOKEN; without it the admin API answers that it is off. */
  token?: string;
}

/**
 * The staff's API (under /api/admin): status board, status changes, knowledge reload, statistics.
 * Every request under the prefix, a path that names no route included, is authenticated first:
 * without the token a caller learns nothing, not even which routes exist.
 */
export const adminRoutes: FastifyPluginAsyncZod<AdminOptions> = async (admin, { getCore, token }) => {
  // What staff read here (statistics, the audit log) stays out of browser and proxy caches, errors included.
  admin.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });
  // Guessing the token is slowed down: only requests without it count.
  // A hook of this scope rather than per route: it also counts paths that name no route.
  await admin.register(rateLimit, { global: false });
  admin.addHook('onRequest', admin.rateLimit({ max: REFUSALS_PER_MINUTE, timeWindow: '1 minute', allowList: (request) => !!token && hasBearer(request, token) }));
  admin.addHook('onRequest', async (request, reply) => {
    if (!token) return sendError(reply, 404, 'The admin API is off: set ADMIN_TOKEN to enable it.');
    if (!hasBearer(request, token)) {
      // Who tried, never what they sent.
      request.log.warn({ ip: request.ip, method: request.method }, 'admin request without a valid token');
      return sendError(reply.header('www-authenticate', 'Bearer'), 401, 'A valid "Authorization: Bearer <ADMIN_TOKEN>" header is required.');
    }
  });
  // Under this prefix the not-found answer runs after the hooks above: 401 first, 404 only for staff.
  admin.setNotFoundHandler((request, reply) => sendError(reply, 404, `No route ${request.method} ${request.url}`));
  // After the token check: a caller without it learns nothing, not even that the bot is starting.
  await admin.register(requireCore, { getCore });

  const board = documented('The status board: every office with its live state', z.object({ offices: z.array(officeReply) }).describe('Every office'));
  admin.get('/offices', { schema: board }, async (request) => ({ offices: request.core.knowledge.offices }));

  const change = documented(
    "Change an office's live state: the next answer reflects it, subscribers are notified, the audit log records it",
    z.object({ office: officeReply }).describe('The office as it is now'),
    [400],
  );
  admin.patch('/offices/:id', { schema: { params: officeParams, body: statusChange, ...change } }, async (request, reply) => {
    const office = await request.core.live.update(request.params.id, request.body, 'admin-api');
    if (!office) return sendError(reply, 404, `No office "${request.params.id}".`);
    return { office };
  });

  const audit = documented('The audit log: when, which office, by whom, before and after', z.object({ entries: z.array(auditEntry) }).describe('Every change, oldest first'));
  admin.get('/audit', { schema: audit }, async (request) => ({ entries: await request.core.live.auditLog() }));

  const reload = documented('Re-read knowledge/; an invalid knowledge base is refused and the previous one stays in service', reloaded, [422]);
  admin.post('/knowledge/reload', { schema: reload }, async (request, reply) => {
    try {
      const kb = request.core.live.reload();
      return { status: 'reloaded', offices: kb.offices.length, organisations: kb.organisations.length, procedures: kb.procedures.length };
    } catch (err) {
      if (err instanceof KnowledgeError) {
        return sendError(reply, 422, 'The knowledge base is invalid; the previous one stays in service.', { problems: err.problems });
      }
      throw err;
    }
  });

  const stats = documented('Questions per intent, office, language and channel over days (default: today), unanswered ones redacted', statsReply, [400]);
  admin.get('/stats', { schema: { querystring: statsQuery, ...stats } }, async (request) => {
    const today = new Date().toISOString().slice(0, 10);
    const to = request.query.to ?? today;
    const from = request.query.from ?? to;
    return request.core.stats.query(from, to);
  });
};
