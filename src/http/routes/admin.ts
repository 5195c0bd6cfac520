import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { KnowledgeError } from '../../knowledge/loader.js';
import { langSchema, STATUSES } from '../../knowledge/schema.js';
import { sendError } from '../errors.js';
import { requireCore, type GetCore } from '../require-core.js';
import { chars } from '../schemas.js';

import { hasBearer } from '../bearer.js';

/** Requests without the token one client (IP address) may make per minute; staff with it are not limited. */
const REFUSALS_PER_MINUTE = 30;

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
