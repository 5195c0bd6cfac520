import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { requireCore, type GetCore } from '../require-core.js';

/** What /health and /metrics answer while the core starts (a load balancer waits for a 200). */
export const startingStatus = (reply: FastifyReply) => reply.code(503).send({ status: 'starting' });

/** GET /health: 503 while the bot starts, then its languages, encoders and NLU start time. */
export const healthRoutes: FastifyPluginAsync<{ getCore: GetCore }> = async (app, { getCore }) => {
  await app.register(requireCore, { getCore, whileStarting: startingStatus });
  app.get('/health', async (request) => {
    const { texts, nlu, outages } = request.core;
    // nluStartMs: how long this start took to train the NLU (or to load it from the cache); degraded: what cannot be reached ('store', 'telegram').
    return { status: 'ok', langs: texts.langs, encoders: nlu.encoders, intents: nlu.intents.length, nluStartMs: Math.round(nlu.trainingMs), degraded: outages };
  });
};
