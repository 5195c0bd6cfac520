import { STATUS_CODES } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { ChatCore } from '../core/chat-core.js';
import { chatRoutes } from '../channels/webchat/routes.js';
import { adminRoutes } from './routes/admin.js';
import { registerWidget } from '../channels/webchat/widget.js';

export interface AppOptions {
  /** The bot, or a getter while it is still starting (then /health answers 503). */
  bot: ChatCore | (() => ChatCore | undefined);
  logger?: FastifyBaseLogger;
  /** Enables /api/admin; without it the admin API answers that it is off. */
  adminToken?: string;
  /** Sites allowed to embed the chat widget (CORS); the server's own pages always may. */
  widgetOrigins?: string[];
  /** Chat messages a client may send per minute; 0 turns the limit off. */
  rateLimitPerMinute?: number;
  /** Behind a reverse proxy: take the client's address from X-Forwarded-For. */
  trustProxy?: boolean;
}

/** Builds the web server without listening: tests call app.inject(). */
export function buildApp(options: AppOptions): FastifyInstance {
  const getBot = typeof options.bot === 'function' ? options.bot : () => options.bot as ChatCore;
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: 64 * 1024,
    trustProxy: options.trustProxy ?? false,
    // A slow or stuck client cannot hold a connection: requests must arrive within 10 s.
    requestTimeout: 10_000,
    connectionTimeout: 15_000,
    keepAliveTimeout: 10_000,
    // No per-request log lines (they would be two per chat message); errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    // On SIGTERM, requests the server already took are answered (the bot closes only after them), not refused with a 503.
    return503OnClosing: false,
    // validateSchema: our route schemas are fixed and tested; checking them against JSON Schema's
    // meta-schema compiled that meta-schema on every start (~40 ms). Requests are validated all the same.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false, validateSchema: false } },
  });

  // JSON only: anything else is a 415, not a string for the schema to puzzle over.
  app.removeContentTypeParser('text/plain');

  // Client mistakes are 4xx with a JSON message; only our own faults are 5xx.
  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    // A client's mistake: its status and code, never the body it sent.
    else request.log.info({ statusCode: status, code: (error as { code?: string }).code, route: request.routeOptions.url }, 'request refused');
    const message = status >= 500 ? 'Internal error; the request was not processed.' : error.message;
    reply.code(status).send({ error: STATUS_CODES[status] ?? 'Error', statusCode: status, message });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: 'Not Found', statusCode: 404, message: `No route ${request.method} ${request.url}` });
  });

  // A callback hook, not an async one: no promise per request.
  app.addHook('onResponse', (request, reply, done) => {
    const metrics = getBot()?.metrics;
    if (metrics) {
      const route = request.routeOptions.url ?? 'unmatched';
      metrics.requests.inc({ method: request.method, route, status: reply.statusCode });
      metrics.latency.observe({ route }, reply.elapsedTime / 1000);
    }
    done();
  });
  app.get('/metrics', async (_request, reply) => {
    const bot = getBot();
    if (!bot) return reply.code(503).send({ status: 'starting' });
    return reply.type(bot.metrics.registry.contentType).send(await bot.metrics.registry.metrics());
  });

  app.get('/health', async (_request, reply) => {
    const bot = getBot();
    if (!bot) return reply.code(503).send({ status: 'starting' });
    // nluStartMs: how long this start took to train the NLU (or to load it from the cache); degraded: what cannot be reached ('store', 'telegram').
    return { status: 'ok', langs: bot.texts.langs, encoders: bot.nlu.encoders, intents: bot.nlu.intents.length, nluStartMs: Math.round(bot.nlu.trainingMs), degraded: bot.outages };
  });
  registerWidget(app, { getBot, origins: options.widgetOrigins });
  const perMinute = options.rateLimitPerMinute ?? 0;
  if (perMinute > 0) app.register(rateLimit, { global: false });
  // Registered after the rate limiter so that its per-route limit applies.
  app.register(async (scope) => chatRoutes(scope, getBot, perMinute));
  adminRoutes(app, getBot, options.adminToken);
  return app;
}
