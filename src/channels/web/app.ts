import { STATUS_CODES } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Bot } from '../../bot.js';
import { chatRoutes } from './chat-routes.js';
import { adminRoutes } from './admin-routes.js';
import { registerWidget } from './widget.js';

export interface AppOptions {
  /** The bot, or a getter while it is still starting (then /health answers 503). */
  bot: Bot | (() => Bot | undefined);
  logger?: FastifyBaseLogger;
  /** Enables /api/admin; without it the admin API answers that it is off. */
  adminToken?: string;
  /** Sites allowed to embed the chat widget (CORS); the server's own pages always may. */
  widgetOrigins?: string[];
}

/** Builds the web server without listening: tests call app.inject(). */
export function buildApp(options: AppOptions): FastifyInstance {
  const getBot = typeof options.bot === 'function' ? options.bot : () => options.bot as Bot;
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: 64 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });

  // JSON only: anything else is a 415, not a string for the schema to puzzle over.
  app.removeContentTypeParser('text/plain');

  // Client mistakes are 4xx with a JSON message; only our own faults are 5xx.
  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    const message = status >= 500 ? 'Internal error; the request was not processed.' : error.message;
    reply.code(status).send({ error: STATUS_CODES[status] ?? 'Error', statusCode: status, message });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: 'Not Found', statusCode: 404, message: `No route ${request.method} ${request.url}` });
  });

  app.get('/health', async (_request, reply) => {
    const bot = getBot();
    if (!bot) return reply.code(503).send({ status: 'starting' });
    return { status: 'ok', langs: bot.texts.langs, encoders: bot.nlu.encoders, intents: bot.nlu.intents.length };
  });
  registerWidget(app, { getBot, origins: options.widgetOrigins });
  chatRoutes(app, getBot);
  adminRoutes(app, getBot, options.adminToken);
  return app;
}
