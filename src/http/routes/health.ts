import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCore, type GetCore } from '../require-core.js';

/** What /health and /metrics answer while the core starts (a load balancer waits for a 200). */
export const startingStatus = (reply: FastifyReply) => reply.code(503).send({ status: 'starting' });

export const starting = z.object({ status: z.literal('starting') }).describe('The bot is still starting (training or loading the NLU)');

const health = z.object({
  status: z.literal('ok'),
  langs: z.array(z.string()),
  encoders: z.array(z.string()),
  intents: z.number(),
  nluStartMs: z.number().describe('How long this start took to train the NLU, or to load it from the cache'),
}).describe('Ready');

const tags = ['operations'];

/** GET /health: 503 while the bot starts, then its languages, encoders and NLU start time. */
export const healthRoutes: FastifyPluginAsyncZod<{ getCore: GetCore }> = async (app, { getCore }) => {
  await app.register(requireCore, { getCore, whileStarting: startingStatus });
  const schema = { tags, summary: 'The bot is ready: its languages, encoders and NLU start time', response: { 200: health, 503: starting } };
  app.get('/health', { schema }, async (request) => {
    const { texts, nlu } = request.core;
    // nluStartMs: how long this start took to train the NLU (or to load it from the cache).
    return { status: 'ok' as const, langs: texts.langs, encoders: nlu.encoders, intents: nlu.intents.length, nluStartMs: Math.round(nlu.trainingMs) };
  });
};
