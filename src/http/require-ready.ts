import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { sendError } from './errors.js';

export interface RequireReadyOptions<Port> {
  /** The port once the bot is ready; undefined while it starts (trains or loads the NLU). */
  getPort: () => Port | undefined;
  /** The request's property that holds the port (its scope declares its type on FastifyRequest). */
  decorator: keyof FastifyRequest;
  /** The answer while the bot starts; by default a 503 error. */
  whileStarting?: (reply: FastifyReply) => FastifyReply;
}

const stillStarting = (reply: FastifyReply) => sendError(reply, 503, 'The bot is still starting.');

/**
 * For the routes of the scope that registers it (it is not encapsulated, so its hook and
 * decorator are that scope's own): answers 503 until the port is ready, and gives each request
 * the port as `request[decorator]`. Register it after the scope's own checks (authentication,
 * CORS) so that they answer first.
 */
export const requireReady = fp<RequireReadyOptions<unknown>>(async (app, { getPort, decorator, whileStarting = stillStarting }) => {
  app.decorateRequest(decorator, { getter: () => getPort()! });
  app.addHook('onRequest', (_request, reply, done) => {
    if (getPort() !== undefined) done();
    else whileStarting(reply);
  });
}, { name: 'require-ready' });
