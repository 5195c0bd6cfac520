import type { FastifyReply } from 'fastify';

/** The answer of a route that needs the bot while it is still starting (training the NLU). */
export function stillStarting(reply: FastifyReply): FastifyReply {
  return reply.code(503).send({ error: 'Service Unavailable', statusCode: 503, message: 'The bot is still starting.' });
}
