import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChatCore } from '../../core/chat-core.js';
import { KnowledgeError } from '../../knowledge/loader.js';
import { LANGS, STATUSES } from '../../knowledge/schema.js';
import type { StatusChange } from '../../knowledge/knowledge.js';
import { stillStarting } from '../starting.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Bearer token check in constant time (hashing first makes the lengths equal). */
function authorised(request: FastifyRequest, token: string): boolean {
  const header = request.headers.authorization ?? '';
  const given = header.startsWith('Bearer ') ? header.slice(7) : '';
  return timingSafeEqual(digest(given), digest(token)) && given.length > 0;
}

const patchBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    status: { type: 'string', enum: [...STATUSES] },
    expectedReopening: { type: 'string', maxLength: 500 },
    note: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(LANGS.map((l) => [l, { type: 'string', maxLength: 2000 }])),
    },
  },
} as const;

const day = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;

/** The staff's API under /api/admin: status board, status changes, knowledge reload, statistics. */
export function adminRoutes(app: FastifyInstance, getBot: () => ChatCore | undefined, token: string | undefined): void {
  app.register(
    async (admin) => {
      admin.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
        if (!token) return reply.code(404).send({ error: 'Not Found', statusCode: 404, message: 'The admin API is off: set ADMIN_TOKEN to enable it.' });
        if (!authorised(request, token)) {
          return reply
            .code(401)
            .header('www-authenticate', 'Bearer')
            .send({ error: 'Unauthorized', statusCode: 401, message: 'A valid "Authorization: Bearer <ADMIN_TOKEN>" header is required.' });
        }
        if (!getBot()) return stillStarting(reply);
      });
      const bot = () => getBot()!;

      admin.get('/offices', async () => ({ offices: bot().knowledge.offices }));

      admin.patch<{ Params: { id: string }; Body: StatusChange }>(
        '/offices/:id',
        { schema: { params: { type: 'object', properties: { id: { type: 'string', maxLength: 100 } } }, body: patchBody } },
        async (request, reply) => {
          const office = await bot().live.update(request.params.id, request.body, 'admin-api');
          if (!office) return reply.code(404).send({ error: 'Not Found', statusCode: 404, message: `No office "${request.params.id}".` });
          return { office };
        },
      );

      admin.get('/audit', async () => ({ entries: await bot().live.auditLog() }));

      admin.post('/knowledge/reload', async (_request, reply) => {
        try {
          const kb = bot().live.reload();
          return { status: 'reloaded', offices: kb.offices.length, organisations: kb.organisations.length, procedures: kb.procedures.length };
        } catch (err) {
          if (err instanceof KnowledgeError) {
            return reply.code(422).send({ error: 'Unprocessable Entity', statusCode: 422, message: 'The knowledge base is invalid; the previous one stays in service.', problems: err.problems });
          }
          throw err;
        }
      });

      admin.get<{ Querystring: { from?: string; to?: string } }>(
        '/stats',
        { schema: { querystring: { type: 'object', additionalProperties: false, properties: { from: day, to: day } } } },
        async (request) => {
          const today = new Date().toISOString().slice(0, 10);
          const to = request.query.to ?? today;
          const from = request.query.from ?? to;
          return bot().stats.query(from, to);
        },
      );
    },
    { prefix: '/api/admin' },
  );
}
