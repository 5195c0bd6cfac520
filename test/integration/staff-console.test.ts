import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { buildApp } from '../../src/app/http.js';
import { PAGES, staffConsole } from '../../src/features/console/index.js';
import { useZodSchemas } from '../../src/http/schemas.js';
import { errorReplies } from '../../src/http/errors.js';
// @ts-expect-error: plain JavaScript, the options scripts/build.mjs uses too
import { consoleBuild } from '../../web/staff/bundle.mjs';
import { startApp } from '../support/helpers.js';

// The console's own files and texts, through inject; what it shows is tested in Chromium (test/system/staff-console.test.ts).

let bot: ChatCore;
let app: FastifyInstance;
beforeAll(async () => {
  ({ bot, app } = await startApp());
});
afterAll(async () => {
  await app?.close();
  await bot?.close();
});

describe('the staff console files', () => {
  it('serves the same page at /staff and at each page path, with no inline script or style, under the strict CSP', async () => {
    for (const url of ['/staff', ...PAGES.map((p) => `/staff/${p}`)]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.body).toContain('<script type="module" src="/staff/console.js"></script>');
      expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son\w+=/i);
    }
  });

  it('answers 404 for a page it does not have, in the API error shape', async () => {
    const res = await app.inject({ url: '/staff/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'Not Found', statusCode: 404 });
    const long = await app.inject({ url: `/staff/${'x'.repeat(300)}` });
    expect(long.statusCode).toBeGreaterThanOrEqual(400);
    expect(long.statusCode).toBeLessThan(500);
  });

  it('serves the bundled code (preact, Chart.js, i18next inside, no eval) and the styles from this server', async () => {
    const js = await app.inject({ url: '/staff/console.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.body.length).toBeGreaterThan(100_000);
    expect(js.body).not.toMatch(/\beval\(|new Function\(/);
    expect(js.body).not.toMatch(/https?:\/\/(cdn|unpkg|cdnjs|jsdelivr)/);
    expect(js.body).toMatch(/Chart\.js/); // the licence notes kept at the end
    const css = await app.inject({ url: '/staff/console.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
  });

  it('gives the texts of each language with the languages, organisations and offices by name', async () => {
    const ca = (await app.inject({ url: '/staff/texts/ca' })).json();
    expect(ca.lang).toBe('ca');
    expect(ca.langs).toEqual(expect.arrayContaining(['es', 'ca', 'it', 'sv', 'en']));
    expect(ca.names.ca).toBe('Valencià');
    expect(ca.texts.board.title).toBe('Estat de les oficines');
    expect(ca.organisations.map((o: { id: string }) => o.id)).toEqual(expect.arrayContaining(['elche', 'paiporta', 'ats-insubria']));
    expect(ca.offices['paiporta-oficina-unica']).toBe(bot.knowledge.base.offices.find((o) => o.id === 'paiporta-oficina-unica')!.name.ca);
    const sv = (await app.inject({ url: '/staff/texts/sv' })).json();
    expect(sv.texts.login.submit).toBe('Logga in');
    expect((await app.inject({ url: '/staff/texts/xx' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/staff/texts/ca', headers: {} })).headers['cache-control']).toContain('max-age');
  });

  it('answers 503 for the texts while the bot starts, and still serves the page', async () => {
    const starting = buildApp({ bot: () => undefined });
    await starting.ready();
    expect((await starting.inject({ url: '/staff/texts/es' })).statusCode).toBe(503);
    expect((await starting.inject({ url: '/staff' })).statusCode).toBe(200);
    await starting.close();
  });

  it('after npm run build serves the file it wrote, and a clear 503 while there is none', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-dist-'));
    const served = Fastify();
    useZodSchemas(served);
    served.register(errorReplies);
    served.register(staffConsole, { getCore: () => bot, bundleDir: dir, prebuilt: true });
    await served.ready();
    const missing = await served.inject({ url: '/staff/console.js' });
    expect(missing.statusCode).toBe(503);
    expect(missing.json().message).toContain('npm run build');
    await build({ ...consoleBuild, outdir: dir });
    const res = await served.inject({ url: '/staff/console.js' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(fs.readFileSync(path.join(dir, 'console.js'), 'utf8'));
    await served.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
