import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readiness } from './readiness.js';
import { requireCore, starting, startingStatus } from '../http/require-core.js';
import type { GetBot } from './chat-core.js';


const health = z.object({
  status: z.literal('ok'),
  langs: z.array(z.string()),
  encoders: z.array(z.string()),
  intents: z.number(),
  nluStartMs: z.number().describe('How long this start took to train the NLU, or to load it from the cache'),
  degraded: z.array(z.string()).describe("What cannot be reached now: 'store' (Redis), 'telegram' (the Bot API)"),
}).describe('Ready');

const check = z.string().describe('"ok", or why not');
const checks = z.object({ nlu: check, knowledge: check, store: check });
const ready = z.object({ status: z.literal('ready'), checks }).describe('Ready: send traffic');
const notReady = z.object({ status: z.literal('not ready'), reason: z.string(), checks }).describe('Not ready: `reason` says why');

const tags = ['operations'];

/** /health/live and /health/ready for orchestrators (Kubernetes probes, systemd's watchdog). */
export const probeRoutes: FastifyPluginAsyncZod<{ getCore: GetBot }> = async (app, { getCore }) => {
  app.get(
    '/health/live',
    { schema: { tags, summary: 'Liveness: the process answers', response: { 200: z.object({ status: z.literal('live') }).describe('Alive') } } },
    async () => ({ status: 'live' as const }),
  );

  const readySchema = { tags, summary: 'Readiness: the NLU serves, the knowledge base is loaded and the store answers', response: { 200: ready, 503: notReady } };
  app.get('/health/ready', { schema: readySchema }, async (_request, reply) => {
    const { ready: ok, checks } = await readiness(getCore());
    if (ok) return { status: 'ready' as const, checks };
    const failed = Object.entries(checks).filter(([, state]) => state !== 'ok');
    return reply.code(503).send({ status: 'not ready' as const, reason: failed.map(([name, state]) => `${name}: ${state}`).join('; '), checks });
  });
};

/** GET /health: 503 while the bot starts, then its languages, encoders and NLU start time. */
export const healthRoutes: FastifyPluginAsyncZod<{ getCore: GetBot }> = async (app, { getCore }) => {
  await app.register(requireCore, { getCore, whileStarting: startingStatus });
  const schema = { tags, summary: 'The bot is ready: its languages, encoders and NLU start time', response: { 200: health, 503: starting } };
  app.get('/health', { schema }, async (request) => {
    const { texts, nlu, outages } = getCore()!;
    // nluStartMs: how long this start took to train the NLU (or to load it from the cache); degraded: what cannot be reached.
    return { status: 'ok' as const, langs: texts.langs, encoders: nlu.encoders, intents: nlu.intents.length, nluStartMs: Math.round(nlu.trainingMs), degraded: outages };
  });
};
