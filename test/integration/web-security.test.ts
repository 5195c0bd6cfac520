import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { ROOT } from '../../src/config.js';
import { buildApp } from '../../src/app/http.js';
import { testConfig } from '../support/helpers.js';
import { webSessions } from '../../src/features/webchat/sessions.js';

const ALLOWED = 'https://www.elche.es';
const OTHER = 'https://evil.example';

let bot: ChatCore;
let app: FastifyInstance;
let closed: FastifyInstance;
beforeAll(async () => {
  bot = await assemble(testConfig());
  app = buildApp({ bot, widgetOrigins: [ALLOWED] });
  closed = buildApp({ bot }); // no WIDGET_ORIGINS: only the server's own pages
  await Promise.all([app.ready(), closed.ready()]);
});
afterAll(async () => {
  await app?.close();
  await closed?.close();
  await bot?.close();
});

const directives = (csp: string) =>
  Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name, values]));

describe('security headers', () => {
  it('deny every powerful feature (Permissions-Policy) on pages, API answers and errors alike (#33, 13)', async () => {
    for (const url of ['/', '/api/openapi.json', '/health/live', '/nowhere']) {
      const policy = String((await app.inject({ method: 'GET', url })).headers['permissions-policy']);
      for (const feature of ['camera', 'microphone', 'geolocation', 'payment', 'usb']) expect(policy, url).toContain(`${feature}=()`);
    }
  });

  it('keep chat replies, notices and erasures out of every cache (Cache-Control: no-store), refusals included (#33, 13)', async () => {
    const chat = await app.inject({ method: 'POST', url: '/api/chat', payload: { text: '¿Está abierta la OMAC de Torrellano?' } });
    const token = chat.json().sessionId;
    const answers = [
      chat,
      await app.inject({ method: 'POST', url: '/api/chat', payload: { text: '' } }),
      await app.inject({ method: 'GET', url: `/api/chat/${token}/notifications` }),
      await app.inject({ method: 'GET', url: '/api/chat/forged/notifications' }),
      await app.inject({ method: 'DELETE', url: `/api/chat/${token}` }),
    ];
    expect(answers.map((r) => r.statusCode)).toEqual([200, 400, 200, 403, 200]);
    for (const res of answers) expect(res.headers['cache-control']).toBe('no-store');
  });

  it('give the demo page a CSP that allows our own files and nothing else', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const csp = String(res.headers['content-security-policy']);
    expect(directives(csp)).toMatchObject({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'"],
      'connect-src': ["'self'"],
      'img-src': ["'self'", 'data:'],
      'object-src': ["'none'"],
      'frame-ancestors': ["'none'"],
      'base-uri': ["'none'"],
    });
    expect(csp).not.toMatch(/unsafe-|\*|https?:/);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
  });

  it('cover the API too', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/chat', payload: { sessionId: 'h', text: 'hola' } });
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('let other sites load widget.js and widget.css', async () => {
    for (const [url, type] of [['/widget.js', /^(text|application)\/javascript/], ['/widget.css', /^text\/css/], ['/demo.css', /^text\/css/]] as const) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(type);
    }
    for (const url of ['/widget.js', '/widget.css']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.headers['cross-origin-resource-policy'], url).toBe('cross-origin');
    }
  });

  it('need no inline script or style: the demo page and the widget have none, nor HTML from strings', () => {
    const html = fs.readFileSync(path.join(ROOT, 'web/index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc=/);
      expect(body.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=|javascript:/i);
    const widget = fs.readFileSync(path.join(ROOT, 'web/widget.js'), 'utf8');
    expect(widget).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|setAttribute\(['"]style/);
  });
});

describe('widget labels', () => {
  it('serves each language the bot has from its locale', async () => {
    for (const lang of bot.texts.langs) {
      const res = await app.inject({ method: 'GET', url: `/api/widget/i18n/${lang}` });
      expect(res.statusCode, lang).toBe(200);
      const locale = JSON.parse(fs.readFileSync(path.join(ROOT, 'locales', lang, 'translation.json'), 'utf8'));
      const names = { es: 'Español', ca: 'Valencià', it: 'Italiano', sv: 'Svenska', en: 'English' };
      expect(res.json(), lang).toEqual({ lang, langs: bot.texts.langs, names, labels: locale.widget });
    }
  });

  it('answers 404 JSON for a language it does not have', async () => {
    for (const lang of ['xx', 'EN', '..', 'es-ES']) {
      const res = await app.inject({ method: 'GET', url: `/api/widget/i18n/${encodeURIComponent(lang)}` });
      expect(res.statusCode, lang).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toMatchObject({ statusCode: 404, message: expect.any(String) });
    }
  });
});

describe('CORS', () => {
  const widgetCalls = [
    { method: 'POST' as const, url: '/api/chat', payload: { sessionId: 'cors', text: 'hola' } },
    {
      method: 'GET' as const,
      // A session id the server issued (an unsigned one is refused).
      get url() {
        return `/api/chat/${webSessions(bot.config).issue().token}/notifications`;
      },
    },
    { method: 'GET' as const, url: '/api/widget/i18n/ca' },
  ];

  it('lets the WIDGET_ORIGINS sites call the routes the widget uses', async () => {
    for (const call of widgetCalls) {
      const res = await app.inject({ ...call, headers: { origin: ALLOWED } });
      expect(res.statusCode, call.url).toBe(200);
      expect(res.headers['access-control-allow-origin'], call.url).toBe(ALLOWED);
      expect(String(res.headers.vary), call.url).toMatch(/origin/i);
    }
  });

  it('answers their preflight for a JSON POST', async () => {
    const res = await app.inject({
      method: 'OPTIONS',
      url: '/api/chat',
      headers: { origin: ALLOWED, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(String(res.headers['access-control-allow-methods'])).toContain('POST');
    expect(String(res.headers['access-control-allow-headers']).toLowerCase()).toContain('content-type');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('does not open them to other origins', async () => {
    for (const call of widgetCalls) {
      const res = await app.inject({ ...call, headers: { origin: OTHER } });
      expect(res.headers['access-control-allow-origin'], call.url).toBeUndefined();
    }
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/api/chat',
      headers: { origin: OTHER, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('does not open the other routes, even to the allowed sites', async () => {
    for (const url of ['/health', '/', '/api/admin/offices', '/api/admin/audit']) {
      const res = await app.inject({ method: 'GET', url, headers: { origin: ALLOWED } });
      expect(res.headers['access-control-allow-origin'], url).toBeUndefined();
    }
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/api/admin/offices',
      headers: { origin: ALLOWED, 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.statusCode).toBe(404);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('is closed to every other site when WIDGET_ORIGINS is empty', async () => {
    for (const call of widgetCalls) {
      const res = await closed.inject({ ...call, headers: { origin: ALLOWED } });
      expect(res.statusCode, call.url).toBe(200);
      expect(res.headers['access-control-allow-origin'], call.url).toBeUndefined();
    }
    const preflight = await closed.inject({
      method: 'OPTIONS',
      url: '/api/chat',
      headers: { origin: ALLOWED, 'access-control-request-method': 'POST' },
    });
    expect(preflight.statusCode).toBe(404);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});
