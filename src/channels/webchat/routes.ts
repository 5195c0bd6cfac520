import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../core/chat-core.js';
import { LANGS } from '../../knowledge/schema.js';
import { stillStarting } from '../../http/starting.js';

const quickReply = {
  type: 'object',
  properties: { label: { type: 'string' }, text: { type: 'string' } },
  required: ['label', 'text'],
} as const;

const chatBody = {
  type: 'object',
  additionalProperties: false,
  required: ['sessionId', 'text'],
  properties: {
    sessionId: { type: 'string', minLength: 1, maxLength: 128 },
    text: { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' },
    lang: { type: 'string', enum: [...LANGS] },
  },
} as const;

const chatResponse = {
  type: 'object',
  properties: {
    sessionId: { type: 'string' },
    lang: { type: 'string' },
    reply: {
      type: 'object',
      properties: { text: { type: 'string' }, quickReplies: { type: 'array', items: quickReply } },
    },
    nlu: {
      type: 'object',
      properties: {
        intent: { type: 'string' },
        confidence: { type: 'number' },
        lang: { type: 'string' },
        entities: {
          type: 'object',
          properties: {
            office: { type: 'string' },
            organisation: { type: 'string' },
            certificate: { type: 'string' },
            language: { type: 'string' },
          },
        },
      },
    },
  },
} as const;

interface ChatBody {
  sessionId: string;
  text: string;
  lang?: (typeof LANGS)[number];
}

/** POST /api/chat: one turn of the web chat. */
export function chatRoutes(app: FastifyInstance, getBot: () => ChatCore | undefined, perMinute = 0): void {
  const limit = perMinute > 0 ? { rateLimit: { max: perMinute, timeWindow: '1 minute' } } : {};
  app.post<{ Body: ChatBody }>(
    '/api/chat',
    { schema: { body: chatBody, response: { 200: chatResponse } }, config: limit },
    async (request, reply) => {
      const bot = getBot();
      if (!bot) return stillStarting(reply);
      const { sessionId, text, lang } = request.body;
      const result = await bot.chat({ sessionId, text, lang, channel: 'web' });
      // Message text reaches the logs only when the operator asked for it.
      if (bot.config.LOG_MESSAGES) request.log.info({ sessionId, text, intent: result.nlu.intent, lang: result.lang }, 'chat message');
      return { sessionId, lang: result.lang, reply: result.reply, nlu: result.nlu };
    },
  );

  // The web chat polls here for status changes it subscribed to.
  app.get<{ Params: { sessionId: string } }>(
    '/api/chat/:sessionId/notifications',
    {
      schema: {
        params: { type: 'object', properties: { sessionId: { type: 'string', minLength: 1, maxLength: 128 } } },
        response: { 200: { type: 'object', properties: { notifications: { type: 'array', items: { type: 'string' } } } } },
      },
    },
    async (request, reply) => {
      const bot = getBot();
      if (!bot) return stillStarting(reply);
      return { notifications: await bot.takeNotifications(request.params.sessionId) };
    },
  );
}
