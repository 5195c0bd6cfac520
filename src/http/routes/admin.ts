import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { KnowledgeError } from '../../knowledge/loader.js';
import { langSchema, officeSchema, STATUSES } from '../../knowledge/schema.js';
import { sendError } from '../errors.js';
import { adminAuth, errorResponses } from '../openapi.js';
import { requireCore, type GetCore } from '../require-core.js';
import { chars } from '../schemas.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Bearer token check in constant time (hashing first makes the lengths equal). */
function authorised(request: FastifyRequest, token: string): boolean {
  const header = request.headers.authorization ?? '';
  const given = header.startsWith('Bearer ') ? header.slice(7) : '';
  return timingSafeEqual(digest(given), digest(token)) && given.length > 0;
}

const statusChange = z
  .strictObject({
    status: z.enum(STATUSES).optional(),
    expectedReopening: chars(0, 500).optional(),
    note: z.partialRecord(langSchema, chars(0, 2000)).optional(),
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

/** The staff's API (under /api/admin): status board, status changes, knowledge reload, statistics. */
export const adminRoutes: FastifyPluginAsyncZod<AdminOptions> = async (admin, { getCore, token }) => {
  admin.addHook('onRequest', async (request, reply) => {
    if (!token) return sendError(reply, 404, 'The admin API is off: set ADMIN_TOKEN to enable it.');
    if (!authorised(request, token)) {
      return sendError(reply.header('www-authenticate', 'Bearer'), 401, 'A valid "Authorization: Bearer <ADMIN_TOKEN>" header is required.');
    }
  });
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
