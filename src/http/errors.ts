import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifySchemaValidationError } from 'fastify';
import fp from 'fastify-plugin';

/** Every error answer of the API: `{ error, statusCode, message }`, with details such as `problems` after. */
export function sendError(reply: FastifyReply, statusCode: number, message: string, details: Record<string, unknown> = {}): FastifyReply {
  return reply.code(statusCode).send({ error: STATUS_CODES[statusCode] ?? 'Error', statusCode, message, ...details });
}

/**
 * A 400 when a text given per language ("note", "texts") has a language the bot has no texts in
 * (the schema takes any two-letter code: the languages are the locale folders, known at start).
 */
export function refuseUnknownLangs(reply: FastifyReply, field: string, langs: readonly string[], text: Record<string, unknown> | undefined): FastifyReply | undefined {
  const unknown = Object.keys(text ?? {}).filter((lang) => !langs.includes(lang));
  if (unknown.length > 0) return sendError(reply, 400, `body/${field}: no language ${unknown.join(', ')} here; the bot speaks ${langs.join(', ')}.`);
}

/** A request that fails its schema: "body/text must be…" (the zod provider gives the whole body the path "/"). */
export function validationError(errors: FastifySchemaValidationError[], part: string): Error {
  return new Error(errors.map((e) => `${part}${e.instancePath === '/' ? '' : e.instancePath} ${e.message}`).join(', '));
}

/**
 * Fastify's own refusals (validation, unparsable or oversized bodies, rate limit, unknown routes)
 * in that shape. Client mistakes are 4xx with their message; only our own faults are 5xx, and
 * those say nothing of what failed.
 */
export const errorReplies = fp(async (app) => {
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    // A client's mistake: its status and code, never the body it sent.
    else request.log.info({ statusCode: status, code: error.code, route: request.routeOptions.url }, 'request refused');
    return sendError(reply, status, status >= 500 ? 'Internal error; the request was not processed.' : error.message);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, `No route ${request.method} ${request.url}`));
}, { name: 'error-replies' });
