import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCore, type GetCore } from '../require-core.js';
import { starting, startingStatus } from './health.js';

/** Counts every response, 404s and errors included, by route and status, and times it. */
export const requestMetrics = fp<{ getCore: GetCore }>(async (app, { getCore }) => {
  // A callback hook, not an async one: no promise per request.
  app.addHook('onResponse', (request, reply, done) => {
    const metrics = getCore()?.metrics;
    if (metrics) {
      const route = request.routeOptions.url ?? 'unmatched';
      metrics.requests.inc({ method: request.method, route, status: reply.statusCode });
      metrics.latency.observe({ route }, reply.elapsedTime / 1000);
    }
    done();
  });
});

/** GET /metrics in Prometheus's text format. */
export const metricsRoutes: FastifyPluginAsyncZod<{ getCore: GetCore }> = async (app, { getCore }) => {
  await app.register(requireCore, { getCore, whileStarting: startingStatus });
  const prometheus = { description: "Prometheus's text format", content: { 'text/plain': { schema: z.string() } } };
  const schema = { tags: ['operations'], summary: 'Requests and latency by route, questions by intent, language and channel, fallbacks, Telegram send errors', response: { 200: prometheus, 503: starting } };
  app.get('/metrics', { schema }, async (request, reply) => {
    const { registry } = request.core.metrics;
    return reply.type(registry.contentType).send(await registry.metrics());
  });
};
