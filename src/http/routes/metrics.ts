import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { requireCore, type GetCore } from '../require-core.js';
import { startingStatus } from './health.js';

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
export const metricsRoutes: FastifyPluginAsync<{ getCore: GetCore }> = async (app, { getCore }) => {
  await app.register(requireCore, { getCore, whileStarting: startingStatus });
  app.get('/metrics', async (request, reply) => {
    const { registry } = request.core.metrics;
    return reply.type(registry.contentType).send(await registry.metrics());
  });
};
