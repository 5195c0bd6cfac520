import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramWebhook } from '../../src/features/telegram/index.js';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import { testConfig } from '../support/helpers.js';

const TOKEN = 'an-admin-token-of-some-length';
const config = testConfig({ ADMIN_TOKEN: TOKEN, TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/telegram/webhook' });

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; scheme?: string }> };
};
type Operation = {
  summary?: string;
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
};
type Schema = { required?: string[]; properties?: Record<string, unknown> };

let bot: ChatCore;
let app: FastifyInstance;
let doc: Doc;
/** Every route fastify registered, as onRoute saw it, in the whole app (the webhook too). */
const routes: { method: string; url: string }[] = [];

beforeAll(async () => {
  bot = await assemble(config);
  app = buildApp({ bot, adminToken: TOKEN, widgetOrigins: ['https://www.elche.es'], rateLimitPerMinute: 30 });
  app.addHook('onRoute', ({ method, url }) => {
    for (const m of [method].flat()) routes.push({ method: m, url });
  });
  app.register(telegramWebhook, { config });
  await app.ready();
  const res = await app.inject({ method: 'GET', url: '/api/openapi.json' });
  expect(res.statusCode).toBe(200);
  doc = res.json();
});
afterAll(async () => {
  await app?.close();
  await bot?.close();
});

/** fastify's /offices/:id is OpenAPI's /offices/{id}. */
const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');
const operation = (method: string, url: string): Operation | undefined => doc.paths[openApiPath(url)]?.[method.toLowerCase()];

/** Validates a real response against the schema the document gives for it. */
function matchesDocument(method: string, url: string, res: LightMyRequestResponse): void {
  const documented = operation(method, url)?.responses[String(res.statusCode)];
  expect(documented, `${method} ${url} ${res.statusCode} is documented`).toBeDefined();
  const schema = documented!.content?.['application/json']?.schema;
  expect(schema, `${method} ${url} ${res.statusCode} has a JSON schema`).toBeDefined();
  const ajv = new Ajv2020({ strict: false });
  const valid = ajv.validate(schema!, res.json());
  expect(ajv.errors ?? [], `${method} ${url} ${res.statusCode}`).toEqual([]);
  expect(valid).toBe(true);
}

describe('the OpenAPI description', () => {
  it('is a valid OpenAPI 3.1 document (a maintained validator)', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('documents every registered route', () => {
    // Left out, each for its reason: HEAD mirrors its GET; OPTIONS is the CORS preflight's
    // plumbing; /api/docs/* are the files of the docs page itself.
    const served = routes.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && !r.url.startsWith('/api/docs'));
    expect(served.length).toBeGreaterThanOrEqual(17);
    const missing = served.filter((r) => !operation(r.method, r.url)).map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
    for (const url of ['/api/chat', '/api/admin/offices/{id}', '/health/ready', '/telegram/webhook', '/widget.js']) expect(doc.paths).toHaveProperty([url]);
  });

  it('gives every operation a summary, a success answer and, for the API, the error shape', () => {
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(op.summary, where).toBeTruthy();
        const codes = Object.keys(op.responses);
        expect(codes.some((c) => c.startsWith('2')), where).toBe(true);
        for (const [code, response] of Object.entries(op.responses)) expect(response.description, `${where} ${code}`).not.toMatch(/^(Default Response)?$/);
        const errors = codes.filter((c) => Number(c) >= 400 && !(path.startsWith('/health') || path === '/metrics'));
        for (const code of errors) {
          const schema = op.responses[code].content?.['application/json']?.schema;
          expect(schema?.required, `${where} ${code}`).toEqual(expect.arrayContaining(['error', 'statusCode', 'message']));
        }
      }
    }
    expect(Object.keys(operation('POST', '/api/chat')!.responses)).toEqual(expect.arrayContaining(['200', '400', '413', '415', '429', '500', '503']));
    const body = operation('POST', '/api/chat')!.requestBody!.content['application/json'].schema as Schema;
    expect(body.required).toEqual(['text']); // the session id is the server's: a first message goes without one
    expect(Object.keys(body.properties!)).toEqual(expect.arrayContaining(['sessionId', 'text', 'lang', 'org']));
    expect(operation('PATCH', '/api/admin/offices/:id')!.requestBody).toBeDefined();
  });

  it('says which routes take the Bearer token, and the webhook its secret header', () => {
    expect(doc.components.securitySchemes.adminToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    const admin = Object.entries(doc.paths).filter(([path]) => path.startsWith('/api/admin'));
    // The five routes before the staff console, and since: subscriber counts, staff accounts (two paths), announcements;
    // hand-overs (the queue, one, assign, messages, close); teaching: review, review/:id, examples, examples/:id,
    // examples/export, nlu; the console's checks before sending: offices/:id/preview, offices/:id/undo,
    // announcements/preview, handoffs/waiting; the knowledge staff keep (#32): the overview, an organisation's facts,
    // drafts, their preview and publication, versions, one version, its rollback, the log; services on the board (#31): the list, a change;
    // an organisation's crisis notice and the notice log (#31); the scam list (#31): an organisation's, one entry.
    expect(admin.length).toBe(39);
    for (const [path, methods] of admin) {
      for (const [method, op] of Object.entries(methods)) {
        // The token, or a staff console session.
        expect(op.security, `${method} ${path}`).toEqual([{ adminToken: [] }, { staffSession: [] }]);
        expect(Object.keys(op.responses), `${method} ${path}`).toEqual(expect.arrayContaining(['401', '404', '503']));
      }
    }
    expect(operation('POST', '/telegram/webhook')!.security).toEqual([{ telegramSecret: [] }]);
    expect(operation('POST', '/api/chat')!.security).toBeUndefined();
  });

  it('describes what the routes really answer, successes and refusals', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const calls: [string, string, InjectOptions][] = [
      ['POST', '/api/chat', { method: 'POST', url: '/api/chat', payload: { sessionId: 'doc-1', text: '¿Está abierta la OMAC de Torrellano?' } }],
      ['POST', '/api/chat', { method: 'POST', url: '/api/chat', payload: { sessionId: 'doc-1', text: 42 } }],
      ['GET', '/api/chat/:sessionId/notifications', { method: 'GET', url: '/api/chat/doc-1/notifications' }],
      ['GET', '/api/widget/i18n/:lang', { method: 'GET', url: '/api/widget/i18n/ca' }],
      ['GET', '/api/widget/i18n/:lang', { method: 'GET', url: '/api/widget/i18n/xx' }],
      ['GET', '/api/admin/offices', { method: 'GET', url: '/api/admin/offices', headers: auth }],
      ['GET', '/api/admin/offices', { method: 'GET', url: '/api/admin/offices' }],
      ['PATCH', '/api/admin/offices/:id', { method: 'PATCH', url: '/api/admin/offices/elche-el-altet', headers: auth, payload: { status: 'open' } }],
      ['GET', '/api/admin/audit', { method: 'GET', url: '/api/admin/audit', headers: auth }],
      ['GET', '/api/admin/stats', { method: 'GET', url: '/api/admin/stats', headers: auth }],
      ['POST', '/api/admin/knowledge/reload', { method: 'POST', url: '/api/admin/knowledge/reload', headers: auth }],
      ['PUT', '/api/admin/organisations/:org/notice', { method: 'PUT', url: '/api/admin/organisations/elche/notice', headers: auth, payload: { text: { es: 'Aviso de prueba.' }, until: new Date(Date.now() + 3_600_000).toISOString() } }],
      ['PUT', '/api/admin/organisations/:org/notice', { method: 'PUT', url: '/api/admin/organisations/elche/notice', headers: auth, payload: { text: { es: 'Aviso.' }, until: 'mañana' } }],
      ['GET', '/api/admin/organisations/:org/notice', { method: 'GET', url: '/api/admin/organisations/elche/notice', headers: auth }],
      ['GET', '/api/chat/notices', { method: 'GET', url: '/api/chat/notices?org=elche&lang=sv' }],
      ['GET', '/api/chat/notices', { method: 'GET', url: '/api/chat/notices?org=nowhere' }],
      ['GET', '/api/admin/notice-log', { method: 'GET', url: '/api/admin/notice-log', headers: auth }],
      ['DELETE', '/api/admin/organisations/:org/notice', { method: 'DELETE', url: '/api/admin/organisations/elche/notice', headers: auth }],
      ['DELETE', '/api/admin/organisations/:org/notice', { method: 'DELETE', url: '/api/admin/organisations/elche/notice', headers: auth }],
      ['GET', '/health', { method: 'GET', url: '/health' }],
      ['GET', '/health/live', { method: 'GET', url: '/health/live' }],
      ['GET', '/health/ready', { method: 'GET', url: '/health/ready' }],
      ['POST', '/telegram/webhook', { method: 'POST', url: '/telegram/webhook', payload: { update_id: 1 } }],
    ];
    for (const [method, url, request] of calls) {
      const res = await app.inject(request);
      expect(res.statusCode, `${method} ${url}`).toBeLessThan(500);
      matchesDocument(method, url, res);
    }
  });
});

describe('the docs page', () => {
  it('is served at /api/docs with a CSP of its own, and every other route keeps the strict one', async () => {
    const page = await app.inject({ method: 'GET', url: '/api/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger-ui');
    const docsCsp = String(page.headers['content-security-policy']);
    expect(docsCsp).toContain("script-src 'self'");
    expect(docsCsp).not.toMatch(/script-src[^;]*unsafe/);
    expect(docsCsp).toContain("frame-ancestors 'none'");
    const initializer = await app.inject({ method: 'GET', url: '/api/docs/static/swagger-initializer.js' });
    expect(initializer.statusCode).toBe(200);
    for (const url of ['/', '/api/openapi.json', '/health/ready', '/api/chat/doc-1/notifications']) {
      const csp = String((await app.inject({ method: 'GET', url })).headers['content-security-policy']);
      expect(csp, url).toContain("style-src 'self'");
      expect(csp, url).not.toContain('unsafe');
    }
  });
});
