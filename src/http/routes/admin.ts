import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { KnowledgeError } from '../../knowledge/loader.js';
import { langSchema, STATUSES } from '../../knowledge/schema.js';
import { sendError } from '../errors.js';
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

  admin.get('/offices', async (request) => ({ offices: request.core.knowledge.offices }));

  admin.patch('/offices/:id', { schema: { params: officeParams, body: statusChange } }, async (request, reply) => {
    const office = await request.core.live.update(request.params.id, request.body, 'admin-api');
    if (!office) return sendError(reply, 404, `No office "${request.params.id}".`);
    return { office };
  });

  admin.get('/audit', async (request) => ({ entries: await request.core.live.auditLog() }));

  admin.post('/knowledge/reload', async (request, reply) => {
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

  admin.get('/stats', { schema: { querystring: statsQuery } }, async (request) => {
    const today = new Date().toISOString().slice(0, 10);
    const to = request.query.to ?? today;
    const from = request.query.from ?? to;
    return request.core.stats.query(from, to);
  });
};
