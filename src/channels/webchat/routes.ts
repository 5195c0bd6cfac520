import type { FastifyContextConfig } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { langSchema } from '../../knowledge/schema.js';
import { requireCore, type GetCore } from '../../http/require-core.js';
import { chars } from '../../http/schemas.js';
import { sendError } from '../../http/errors.js';
import { errorResponses } from '../../http/openapi.js';
import { widgetCors } from './cors.js';

const sessionId = chars(1, 128);

const chatBody = z.strictObject({
  sessionId,
  text: chars(1, 2000).regex(/\S/u, 'must not be blank'),
  lang: langSchema.optional(),
  /** The council or agency of the page (the widget's data-org): an organisation id of the knowledge base. */
  org: chars(1, 100).optional(),
});

const quickReply = z.object({ label: z.string(), text: z.string() });

const chatReply = z.object({
  sessionId: z.string(),
  lang: z.string(),
  reply: z.object({ text: z.string(), quickReplies: z.array(quickReply) }),
  nlu: z.object({
    intent: z.string(),
    confidence: z.number(),
    lang: z.string(),
    entities: z.object({
      office: z.string().optional(),
      organisation: z.string().optional(),
      certificate: z.string().optional(),
      language: z.string().optional(),
    }),
  }),
});

export interface ChatRoutesOptions {
  getCore: GetCore;
  /** WIDGET_ORIGINS: the sites whose pages may call these routes. */
  origins: string[];
  /** Chat messages a client may send per minute; 0 turns the limit off. */
  perMinute: number;
}

/** Under /api/chat: POST one turn of the web chat; GET the notices a session subscribed to. */
export const chatRoutes: FastifyPluginAsyncZod<ChatRoutesOptions> = async (app, { getCore, origins, perMinute }) => {
  await app.register(widgetCors, { origins });
  await app.register(requireCore, { getCore });
  if (perMinute > 0) await app.register(rateLimit, { global: false });
  // Only the messages count: polling for notices does not.
  const limit: FastifyContextConfig = perMinute > 0 ? { rateLimit: { max: perMinute, timeWindow: '1 minute' } } : {};

  app.post(
    '/',
    {
      prefixTrailingSlash: 'no-slash',
      schema: { tags: ['chat'], summary: 'One turn of the web chat', body: chatBody, response: { 200: chatReply.describe("The bot's reply and what it understood"), ...errorResponses(400, 413, 415, 429, 503) } },
      config: limit,
    },
    async (request, reply) => {
      const { core } = request;
      const { sessionId, text, lang, org } = request.body;
      if (org && !core.knowledge.organisation(org)) return sendError(reply, 400, `No organisation "${org}" in the knowledge base.`);
      const result = await core.chat({ sessionId, text, lang, org, channel: 'web' });
      // Message text reaches the logs only when the operator asked for it.
      if (core.config.LOG_MESSAGES) request.log.info({ sessionId, text, intent: result.nlu.intent, lang: result.lang }, 'chat message');
      return { sessionId, lang: result.lang, reply: result.reply, nlu: result.nlu };
    },
  );

  // The web chat polls here for status changes it subscribed to.
  app.get(
    '/:sessionId/notifications',
    {
      schema: {
        tags: ['chat'],
        summary: 'Status-change notices waiting for a session (reading empties them)',
        params: z.object({ sessionId }),
        response: { 200: z.object({ notifications: z.array(z.string()) }).describe('The notices, oldest first'), ...errorResponses(400, 503) },
      },
    },
    async (request) => ({ notifications: await request.core.takeNotifications(request.params.sessionId) }),
  );
};
