import fp from 'fastify-plugin';
import { hasBearer } from '../../http/bearer.js';
import { sendError } from '../../http/errors.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCore, starting, startingStatus, type GetCore } from '../../http/require-core.js';
import type { Metrics } from './metrics.js';

declare module '../../http/require-core.js' {
  /** What these routes read of the bot. */
  interface CorePort {
    readonly metrics: Metrics;
  }
}

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
}, { name: 'request-metrics' });

export interface MetricsOptions {
  getCore: GetCore;
  /** METRICS_TOKEN: /metrics answers only requests with `Authorization: Bearer <token>`. */
  token?: string;
  /** Without a token, /metrics answers anyone (the server of METRICS_PORT, on localhost only); otherwise it is off. */
  open?: boolean;
}

/**
 * GET /metrics in Prometheus's text format: only with its token or on its own localhost port, as
 * it shows versions, memory and per-intent traffic.
 */
export const metricsRoutes: FastifyPluginAsyncZod<MetricsOptions> = async (app, { getCore, token, open = false }) => {
  app.addHook('onRequest', async (request, reply) => {
    if (token ? hasBearer(request, token) : open) return;
    if (!token) return sendError(reply, 404, 'Metrics are off here: set METRICS_TOKEN, or METRICS_PORT for a port of their own on localhost.');
    request.log.warn({ ip: request.ip }, 'metrics request without a valid token');
    return sendError(reply.header('www-authenticate', 'Bearer'), 401, 'A valid "Authorization: Bearer <METRICS_TOKEN>" header is required.');
  });
  await app.register(requireCore, { getCore, whileStarting: startingStatus });
  const prometheus = { description: "Prometheus's text format", content: { 'text/plain': { schema: z.string() } } };
  const schema = { tags: ['operations'], summary: 'Requests and latency by route, questions by intent, language and channel, fallbacks, Telegram send errors', response: { 200: prometheus, 503: starting } };
  app.get('/metrics', { schema }, async (request, reply) => {
    const { registry } = request.core.metrics;
    return reply.type(registry.contentType).send(await registry.metrics());
  });
};
