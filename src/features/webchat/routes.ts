import type { FastifyContextConfig } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { langSchema } from '../../knowledge/schema.js';
import { requireReady } from '../../http/require-ready.js';
import { chars } from '../../http/schemas.js';
import { sendError } from '../../http/errors.js';
import { errorResponses } from '../../http/openapi.js';
import { widgetCors } from './cors.js';
import { webSessions } from './sessions.js';
import { MAX_STREAMS_PER_CLIENT, OpenStreams, streamEvents } from './events.js';
import { webInbox } from './inbox.js';
import type { GetWebChatPort } from './port.js';

const sessionId = chars(1, 128);

/** Polls for notices one client (IP address) may make per minute: the widget makes two; a whole office behind one address, dozens. */
const POLLS_PER_MINUTE = 120;

const chatBody = z.strictObject({
  /** The id the server returned; none, or one it did not issue, starts a new conversation. */
  sessionId: sessionId.optional(),
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
  getPort: GetWebChatPort;
  /** WIDGET_ORIGINS: the sites whose pages may call these routes. */
  origins: string[];
  /** Chat messages a client may send per minute; 0 turns the limit off. */
  perMinute: number;
  /** MAX_EVENT_STREAMS: event streams open at once on this instance. */
  maxStreams: number;
}

const signedParams = z.object({ sessionId });
const refused = 'Unknown session id: use the sessionId that POST /api/chat returned.';

/**
 * Under /api/chat: POST one turn of the web chat; GET the notices a session subscribed to; DELETE
 * a session and all it holds.
 * Session ids are the server's (WebSessions): a conversation, its subscriptions and its notices
 * are reachable only with the signed id the server handed out for them.
 */
export const chatRoutes: FastifyPluginAsyncZod<ChatRoutesOptions> = async (app, { getPort, origins, perMinute, maxStreams }) => {
  const streams = new OpenStreams(maxStreams);
  // A reply, a notice, an erasure belong to one conversation: no browser or proxy keeps a copy, errors included.
  app.addHook('onSend', async (_request, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
  await app.register(widgetCors, { origins });
  await app.register(requireReady, { getPort, decorator: 'webChat' });
  await app.register(rateLimit, { global: false });
  // Messages and polls are counted apart: polling for notices takes nothing from the messages.
  const limit: FastifyContextConfig = perMinute > 0 ? { rateLimit: { max: perMinute, timeWindow: '1 minute' } } : {};
  const pollLimit: FastifyContextConfig = { rateLimit: { max: POLLS_PER_MINUTE, timeWindow: '1 minute' } };

  app.post(
    '/',
    {
      prefixTrailingSlash: 'no-slash',
      schema: { tags: ['chat'], summary: 'One turn of the web chat', body: chatBody, response: { 200: chatReply.describe("The bot's reply and what it understood"), ...errorResponses(400, 413, 415, 429, 503) } },
      config: limit,
    },
    async (request, reply) => {
      const { webChat } = request;
      const { text, lang, org } = request.body;
      if (org && !webChat.knowledge.organisation(org)) return sendError(reply, 400, `No organisation "${org}" in the knowledge base.`);
      if (lang && !webChat.texts.langs.includes(lang)) return sendError(reply, 400, `No language "${lang}": the bot speaks ${webChat.texts.langs.join(', ')}.`);
      const sessions = webSessions(webChat.config);
      // An id the server did not sign ("demo", "1", someone else's guessed) starts a conversation of its own.
      const known = sessions.verify(request.body.sessionId);
      const session = known ? { id: known, token: request.body.sessionId! } : sessions.issue();
      const result = await webChat.chat({ sessionId: session.id, text, lang, org, channel: 'web', client: request.ip });
      // Message text reaches the logs only when the operator asked for it.
      if (webChat.config.LOG_MESSAGES) request.log.info({ sessionId: session.id, text, intent: result.nlu.intent, lang: result.lang }, 'chat message');
      return { sessionId: session.token, lang: result.lang, reply: result.reply, nlu: result.nlu };
    },
  );

  // The web chat polls here for status changes it subscribed to. Without the signed id: a 403, and nothing is read or emptied.
  app.get(
    '/:sessionId/notifications',
    {
      schema: {
        tags: ['chat'],
        summary: 'Status-change notices waiting for a session (reading empties them)',
        params: signedParams,
        response: { 200: z.object({ notifications: z.array(z.string()) }).describe('The notices, oldest first'), ...errorResponses(400, 403, 429, 503) },
      },
      config: pollLimit,
    },
    async (request, reply) => {
      const { webChat } = request;
      const id = webSessions(webChat.config).verify(request.params.sessionId);
      if (!id) return sendError(reply, 403, refused);
      return { notifications: await webInbox(webChat.stores.inbox).takeNotifications(id) };
    },
  );

  // The widget's banner: the crisis notices in force, of the page's organisation (or of every one), in the reader's language.
  app.get(
    '/notices',
    {
      schema: {
        tags: ['chat'],
        summary: "The crisis notices in force: the page's organisation's (`org`), or every organisation's; each in `lang` or marked as written in another",
        querystring: z.strictObject({ org: chars(1, 100).optional(), lang: langSchema.optional() }),
        response: { 200: z.object({ notices: z.array(z.object({ org: z.string(), text: z.string(), until: z.string() })) }).describe('The notices, none when there is none'), ...errorResponses(400, 429, 503) },
      },
      config: pollLimit,
    },
    async (request, reply) => {
      const { webChat } = request;
      const { org, lang } = request.query;
      if (org && !webChat.knowledge.organisation(org)) return sendError(reply, 400, `querystring/org: no organisation "${org}" in the knowledge base.`);
      if (lang && !webChat.texts.langs.includes(lang)) return sendError(reply, 400, `querystring/lang: no language "${lang}": the bot speaks ${webChat.texts.langs.join(', ')}.`);
      return { notices: webChat.crisisNotices(org, lang ?? webChat.config.DEFAULT_LANG) };
    },
  );

  // While the widget is open: staff replies (and any other notice) as they arrive, read from the same inbox as the poll, so each arrives once.
  app.get(
    '/:sessionId/events',
    {
      schema: {
        tags: ['chat'],
        summary: 'Server-sent events: each notice for the session as it arrives (`event: notice`, data `{"text","from"}`: `staff` for a staff member\'s reply, else `bot`); reading takes it, as the poll does',
        params: signedParams,
        response: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: z.string() } } }, ...errorResponses(400, 403, 429, 503) },
      },
      config: pollLimit,
    },
    async (request, reply) => {
      const id = webSessions(request.webChat.config).verify(request.params.sessionId);
      if (!id) return sendError(reply, 403, refused);
      const stream = streams.open(request.ip);
      if (stream === 'client') return sendError(reply.header('retry-after', '30'), 429, `At most ${MAX_STREAMS_PER_CLIENT} event streams at once from one address: the notices also come by GET /api/chat/:sessionId/notifications.`);
      if (stream === 'instance') return sendError(reply.header('retry-after', '30'), 503, 'Too many event streams are open on this server: the notices come by GET /api/chat/:sessionId/notifications meanwhile.');
      streamEvents(request, reply, id, stream.closed);
      return reply;
    },
  );

  // "Delete my data" (GDPR art. 17): the conversation, its subscriptions and waiting notices; said in its language.
  app.delete(
    '/:sessionId',
    {
      schema: {
        tags: ['chat'],
        summary: 'Erase a web chat session: its conversation, subscriptions and waiting notices',
        params: signedParams,
        response: { 200: z.object({ erased: z.literal(true), text: z.string() }).describe('Erased; text says so in the conversation\'s language'), ...errorResponses(400, 403, 429, 503) },
      },
      config: pollLimit,
    },
    async (request, reply) => {
      const { webChat } = request;
      const id = webSessions(webChat.config).verify(request.params.sessionId);
      if (!id) return sendError(reply, 403, refused);
      const { lang } = await webChat.forget({ channel: 'web', id });
      return { erased: true as const, text: webChat.texts.t(lang ?? webChat.config.DEFAULT_LANG)('forget.done') };
    },
  );
};
