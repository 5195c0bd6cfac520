import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import fp from 'fastify-plugin';

/**
 * The X-Request-Id a proxy makes, kept so that its access log and ours share it: a UUID (Caddy's
 * {http.request.uuid}, Envoy, Heroku) or 16 to 64 hexadecimal digits (nginx's $request_id). Anything
 * else a client wrote ("admin", "1", "../..", a line break, 128 characters of its choice) would be
 * echoed and logged as the request's id: a new UUID is made instead.
 */
const WELL_FORMED = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,64})$/i;

/** fastify's genReqId: the incoming X-Request-Id when it is well formed, else a new UUID. */
export function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && WELL_FORMED.test(given) ? given.toLowerCase() : randomUUID();
}

/**
 * Every response carries its request's id (`x-request-id`), and each request gets one log line
 * when it is answered, with the id, the route's pattern (not the URL: it may hold a session id),
 * the status and the time: a complaint can be traced without logging what anyone wrote.
 */
export const requestIds = fp(async (app) => {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    request.log.info({ method: request.method, route, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request done');
    done();
  });
}, { name: 'request-ids' });
