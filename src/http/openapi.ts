import { STATUS_CODES } from 'node:http';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CSP } from './security-headers.js';

/** The shape of every error answer (sendError): details such as `problems` may follow. */
export const errorReply = z.looseObject({
  error: z.string().meta({ example: 'Bad Request' }),
  statusCode: z.number().int(),
  message: z.string().meta({ example: 'body/text must be 1 to 2000 characters long' }),
});

/** What each error status means on this API, for the document. */
const MEANING: Record<number, string> = {
  400: 'The request does not match its schema, or names something unknown; `message` says which field and why.',
  401: 'Missing or wrong credentials.',
  403: "Not allowed: the session's role or organisations do not cover it, or a change made with the session cookie lacks its x-csrf-token. Nothing was changed.",
  404: 'Not found.',
  413: 'The body is over the size limit.',
  415: 'The body is not JSON.',
  409: 'Conflicts with what is there: a username taken, a hand-over closed already.',
  422: 'Refused as a whole; `problems` lists why.',
  429: 'Too many requests from this client: wait a minute.',
  500: 'Our fault: nothing was processed.',
  503: 'The bot is still starting: try again in a few seconds.',
};

/** Error responses for a route's schema, in the `{ error, statusCode, message }` shape; 500 is always among them. */
export function errorResponses(...codes: number[]): Record<number, z.ZodType> {
  return Object.fromEntries(
    [...codes, 500].map((code) => [code, errorReply.describe(MEANING[code] ?? STATUS_CODES[code] ?? 'Error')]),
  );
}

/** `security` for the admin API's routes: the token, or a staff console session. */
export const adminAuth: Record<string, string[]>[] = [{ adminToken: [] }, { staffSession: [] }];

/** An admin route's documentation: who may call it, its answer, and the refusals every admin route shares (401, 403, 404 when off, 503). */
export const documented = (summary: string, ok: z.ZodType, errors: number[] = [], code = 200) => ({
  tags: ['admin'],
  summary,
  security: adminAuth,
  response: { [code]: ok, ...errorResponses(401, 403, 404, 503, ...errors) },
});

export const DOCS_PREFIX = '/api/docs';

// Swagger UI sets some styles from script (its layout, syntax highlighting): the docs page alone
// allows inline styles; scripts stay our own files only, and it may not be framed either.
const DOCS_CSP = { ...CSP, 'style-src': ["'self'", "'unsafe-inline'"] };
const cspHeader = Object.entries(DOCS_CSP)
  .map(([name, values]) => `${name} ${values.join(' ')}`)
  .join('; ');

/**
 * The OpenAPI 3.1 description, made from the routes' own zod schemas (the ones they validate
 * with), at /api/openapi.json, and Swagger UI at /api/docs. Register it before any route: it
 * collects them as they are added.
 */
export const openApi = fp(async (app) => {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Citizen chatbot',
        version: '0.1.0',
        description:
          'The web chat API, the staff (admin) API, health and metrics, and the Telegram webhook. ' +
          'Every error answer is `{ error, statusCode, message }`. Each response carries `x-request-id`.',
      },
      tags: [
        { name: 'chat', description: 'The web chat and its widget' },
        { name: 'admin', description: 'The staff API: `Authorization: Bearer <ADMIN_TOKEN>`, or a staff session (its cookie, and `x-csrf-token` on changes)' },
        { name: 'staff', description: 'Staff console sessions: log in, who am I, log out' },
        { name: 'status', description: 'The public status page: offices and services, as HTML, JSON and Atom feeds (no login)' },
        { name: 'operations', description: 'Health, metrics and this description' },
        { name: 'telegram', description: 'The webhook Telegram posts updates to' },
      ],
      components: {
        securitySchemes: {
          adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN (at least 16 characters)' },
          staffSession: { type: 'apiKey', in: 'cookie', name: 'staff_session', description: 'The cookie POST /api/staff/session sets; changes also need its x-csrf-token header' },
          telegramSecret: { type: 'apiKey', in: 'header', name: 'X-Telegram-Bot-Api-Secret-Token' },
        },
      },
    },
    transform: createJsonSchemaTransform({ skipList: [] }),
    transformObject: createJsonSchemaTransformObject({}),
  });
  await app.register(fastifySwaggerUi, { routePrefix: DOCS_PREFIX, staticCSP: cspHeader });

  app.get(
    '/api/openapi.json',
    {
      schema: {
        tags: ['operations'],
        summary: 'This OpenAPI 3.1 description',
        response: { 200: z.looseObject({ openapi: z.string() }).describe('The document') },
      },
    },
    async () => app.swagger(),
  );
}, { name: 'openapi' });

/** A static file's route: its summary and its content type. */
export const fileSchema = (summary: string, type: string) => ({
  tags: ['chat'],
  summary,
  response: { 200: { description: summary, content: { [type]: { schema: z.string() } } } },
});
