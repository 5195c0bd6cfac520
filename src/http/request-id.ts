import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import fp from 'fastify-plugin';

/** What a proxy's X-Request-Id may look like to be kept: no spaces or control characters to forge a log line with. */
const SANE = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** fastify's genReqId: the incoming X-Request-Id when it is sane, else a new UUID. */
export function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && SANE.test(given) ? given : randomUUID();
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
