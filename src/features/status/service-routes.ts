import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isoDate, langSchema, LIVE_SERVICE_STATUSES, serviceSchema } from '../../knowledge/schema.js';
import { staleLangs } from '../../knowledge/freshness.js';
import { inScope } from '../staff/roles.js';
import { refuseUnknownLangs, sendError } from '../../http/errors.js';
import { documented } from '../../http/openapi.js';
import { chars } from '../../http/schemas.js';
import type { Knowledge } from '../../knowledge/knowledge.js';
import type { LiveServices } from './live-services.js';
import type { SubscriptionRepository } from '../../storage/index.js';
import type { Texts } from '../../shared/i18n.js';

declare module '../../http/require-core.js' {
  /** What these routes read of the bot. */
  interface CorePort {
    readonly knowledge: Knowledge;
    readonly services: LiveServices;
    readonly subscriptions: SubscriptionRepository;
    readonly texts: Texts;
  }
}

const serviceChange = z
  .strictObject({
    status: z.enum(LIVE_SERVICE_STATUSES).optional(),
    expected: z
      .union([isoDate, z.literal('')])
      .optional()
      .describe('When it is expected back, a date (YYYY-MM-DD); "" clears it'),
    note: z
      .record(langSchema, chars(0, 2000))
      .optional()
      .describe("The service's note, a sentence of its own, replacing the one before in every language: a language left out shows the organisation's language's note, marked as such. Left out with a new status (or at staff's first change, replacing the knowledge base's words): no note"),
  })
  .refine((change) => Object.keys(change).length > 0, 'a service change needs at least one field');

const serviceParams = z.object({ serviceId: chars(0, 100) });

const serviceReply = serviceSchema.describe('A service or channel as the knowledge base has it, with staff changes on top (updatedAt: since when)');
const boardEntry = serviceSchema.extend({
  updatedBy: z.string().optional().describe('Who made the last change (a username, or api-token)'),
  subscribers: z.number().describe('How many would be notified of a change now'),
  noteStale: z.array(z.string()).describe("Languages of the note written before another language's last change: citizens get that one's note, marked, until they are updated"),
});

/** The services and channels on the status board (under /api/admin/services): their live state, changed like an office's. */
export const serviceRoutes: FastifyPluginAsyncZod = async (app) => {
  const board = documented(
    'The services and channels of my organisations (website, e-office, phone help…) with their live state, since when, by whom, and how many subscribers a change notifies',
    z.object({ services: z.array(boardEntry) }).describe('The services in scope'),
  );
  app.get('', { schema: board, config: { permission: 'board' } }, async (request) => {
    const { knowledge, services, subscriptions } = request.core;
    const shown = knowledge.organisations.filter((o) => inScope(request.principal!, o.id)).flatMap((o) => knowledge.services(o.id));
    const counts = await Promise.all(shown.map((s) => subscriptions.count(s.id)));
    return { services: shown.map((s, i) => ({ ...s, ...(services.changedBy(s.id) ? { updatedBy: services.changedBy(s.id) } : {}), subscribers: counts[i], noteStale: staleLangs(s.note, s.noteWritten) })) };
  });

  const change = documented(
    "Change a service's live state (available, limited, unavailable; expected return; note): the next answer reflects it, its subscribers and its organisation's Telegram channel are told, the audit log records it",
    z.object({ service: serviceReply }).describe('The service as it is now'),
    [400],
  );
  app.patch('/:serviceId', { schema: { params: serviceParams, body: serviceChange, ...change }, config: { permission: 'status' } }, async (request, reply) => {
    const { knowledge, services, texts } = request.core;
    const service = knowledge.serviceById(request.params.serviceId);
    if (!service) return sendError(reply, 404, `No service "${request.params.serviceId}".`);
    if (refuseUnknownLangs(reply, 'note', texts.langs, request.body.note)) return reply;
    if (!inScope(request.principal!, service.organisation)) return sendError(reply, 403, `"${service.id}" is not a service of your organisations.`);
    return { service: (await services.update(service.id, request.body, request.principal!.actor))! };
  });
};
