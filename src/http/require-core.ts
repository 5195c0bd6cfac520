import type { FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import type { ChatCore } from '../core/chat-core.js';
import { sendError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The chat core, on the routes of a scope that registered requireCore. */
    readonly core: ChatCore;
  }
}

/** The core once it is ready; undefined while it starts (trains or loads the NLU). */
export type GetCore = () => ChatCore | undefined;

export interface RequireCoreOptions {
  getCore: GetCore;
  /** The answer while the core starts; by default a 503 error. */
  whileStarting?: (reply: FastifyReply) => FastifyReply;
}

const stillStarting = (reply: FastifyReply) => sendError(reply, 503, 'The bot is still starting.');

/**
 * For the routes of the scope that registers it (it is not encapsulated, so its hook and
 * decorator are that scope's own): answers 503 until the core is ready, and gives each request
 * the core as `request.core`. Register it after the scope's own checks (authentication, CORS)
 * so that they answer first.
 */
export const requireCore = fp<RequireCoreOptions>(async (app, { getCore, whileStarting = stillStarting }) => {
  app.decorateRequest('core', { getter: () => getCore()! });
  app.addHook('onRequest', (_request, reply, done) => {
    if (getCore()) done();
    else whileStarting(reply);
  });
}, { name: 'require-core' });
