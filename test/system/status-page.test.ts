import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseFeed } from '@rowanmanning/feed-parser';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../src/config.js';
import type { ChatCore } from '../../src/app/chat-core.js';
import { freePort } from '../support/free-port.js';
import { axeViolations, serveInChromium, touchTargets, watchProblems, type Served } from '../support/browser.js';
import { startApp } from '../support/helpers.js';

// The public status page in a real Chromium, at a phone's width and a desktop's, in the five
// languages, with axe; the static export opened from disk; the export published by a real Caddy
// with deploy/status-site.Caddyfile, still served once the bot is gone.

const ARTIFACTS = path.join(ROOT, 'test-results');
const TOKEN = 'status-page-system-token-0123456789';
const LANGS = ['es', 'ca', 'it', 'sv', 'en'];
const hasCaddy = spawnSync('caddy', ['version']).status === 0;
const exportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'status-export-system-'));

let bot: ChatCore;
let app: FastifyInstance;
let served: Served | undefined;
let base: string;

beforeAll(async () => {
  ({ bot, app } = await startApp({ ADMIN_TOKEN: TOKEN, STATUS_EXPORT_DIR: exportDir }));
  served = await serveInChromium(app);
  base = served.base;
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  // A morning of the crisis: El Altet reopens with a note in Spanish only; ATS Como's switchboard office closes until a date.
  const change = (office: string, body: object) =>
    fetch(`${base}/api/admin/offices/${office}`, { method: 'PATCH', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect((await change('elche-el-altet', { status: 'open', note: { es: 'Reabierta a las 9:00 tras las actualizaciones de seguridad.' } })).status).toBe(200);
  expect((await change('ats-insubria-como', { status: 'closed', expectedReopening: '2026-12-09T09:00+01:00' })).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await served?.close();
  await bot?.close();
});

/** Opens a page at a width, as a phone (touch) or a desktop, with JavaScript off: the page must need none. */
async function open(url: string, width: number): Promise<{ page: Page; problems: string[]; close: () => Promise<void> }> {
  const phone = width < 600;
  const context = await served!.browser.newContext({
    viewport: { width, height: phone ? 780 : 900 },
    ...(phone ? { hasTouch: true, isMobile: true, deviceScaleFactor: 2 } : {}),
    javaScriptEnabled: false,
    timezoneId: 'Europe/Madrid',
  });
  const page = await context.newPage();
  const problems = watchProblems(page);
  const res = await page.goto(url);
  expect(res?.ok() ?? true, url).toBe(true);
  return { page, problems, close: () => context.close() };
}

/** axe needs script: it runs in a context of its own with JavaScript on, on the same page. */
async function axeOn(url: string, width: number): Promise<string[]> {
  const context = await served!.browser.newContext({ viewport: { width, height: 900 }, ...(width < 600 ? { hasTouch: true, isMobile: true } : {}) });
  const page = await context.newPage();
  await page.goto(url);
  const violations = await axeViolations(page);
  await context.close();
  return violations;
}

describe.each([360, 1280])('/status at %i px', (width) => {
  it.each(LANGS)('in %s: no serious or critical axe violations, nothing wider than the screen, every control easy to tap, no script', async (lang) => {
    const url = `${base}/status?lang=${lang}`;
    expect(await axeOn(url, width)).toEqual([]);
    const { page, problems, close } = await open(url, width);
    expect(await page.locator('html').getAttribute('lang')).toBe(lang);
    expect(await page.locator('script').count()).toBe(0);
    // Reflow (WCAG 1.4.10): no sideways scrolling at 360 px.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    const small = (await touchTargets(page)).filter((t) => t.height < 44);
    expect(small).toEqual([]);
    // The stylesheet applied (CSP allows only our own file): a card has its coloured edge.
    expect(await page.locator('#elche-el-altet').evaluate((el) => getComputedStyle(el).borderLeftWidth)).toBe('6px');
    if (lang === 'es') {
      await page.screenshot({ path: path.join(ARTIFACTS, `status-page-${width}.png`) });
      await page.screenshot({ path: path.join(ARTIFACTS, `status-page-${width}-full.png`), fullPage: true });
      await page.locator('#org-ats-insubria').screenshot({ path: path.join(ARTIFACTS, `status-page-${width}-ats.png`) });
    }
    expect(problems).toEqual([]);
    await close();
  });
});

describe('the static export', () => {
  it('opens from disk in the browser with its styles, in every language, and passes axe', async () => {
    for (const lang of LANGS) {
      const url = pathToFileURL(path.join(exportDir, `index.${lang}.html`)).href;
      const { page, problems, close } = await open(url, 360);
      expect(await page.locator('#elche-el-altet .badge').textContent()).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, 'locales', lang, 'status-page.json'), 'utf8')).office.open);
      expect(await page.locator('#elche-el-altet').evaluate((el) => getComputedStyle(el).borderLeftWidth)).toBe('6px');
      // Its language menu leads to the other files.
      await page.locator(`.langs a[hreflang="${lang === 'en' ? 'es' : 'en'}"]`).click();
      expect(page.url()).toMatch(new RegExp(`index\\.${lang === 'en' ? 'es' : 'en'}\\.html$`));
      expect(problems).toEqual([]);
      await close();
      expect(await axeOn(url, 1280)).toEqual([]);
    }
    await (async () => {
      const { page, close } = await open(pathToFileURL(path.join(exportDir, 'index.html')).href, 1280);
      await page.screenshot({ path: path.join(ARTIFACTS, 'status-page-export-1280.png'), fullPage: true });
      await close();
    })();
  });

  it("feeds are well-formed XML (the browser's strict parser) and valid Atom (a maintained feed parser)", async () => {
    const context = await served!.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/status`);
    const feeds = fs.readdirSync(exportDir).filter((f) => f.endsWith('.atom'));
    expect(feeds.length).toBe(3 * 6);
    for (const file of feeds) {
      const xml = fs.readFileSync(path.join(exportDir, file), 'utf8');
      const parsed = await page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, 'application/xml');
        return { error: doc.querySelector('parsererror')?.textContent ?? '', root: doc.documentElement.namespaceURI + ' ' + doc.documentElement.localName };
      }, xml);
      expect(parsed, file).toEqual({ error: '', root: 'http://www.w3.org/2005/Atom feed' });
      const feed = parseFeed(xml);
      expect(feed.meta.type, file).toBe('atom');
      expect(feed.title, file).toBeTruthy();
    }
    const elche = parseFeed(fs.readFileSync(path.join(exportDir, 'elche.atom'), 'utf8'));
    expect(elche.items.map((i) => i.title)).toEqual(['OMAC El Altet: Abierta']);
    const ats = parseFeed(fs.readFileSync(path.join(exportDir, 'ats-insubria.en.atom'), 'utf8'));
    expect(ats.items[0].content).toContain('Expected to reopen: Wednesday, 9 December 2026 at 09:00 CET.');
    await context.close();
  });
});

describe.skipIf(!hasCaddy)('published with deploy/status-site.Caddyfile', () => {
  it('is served by Caddy from the export, and still is once the bot is down', async () => {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caddy-status-'));
    const shipped = fs.readFileSync(path.join(ROOT, 'deploy', 'status-site.Caddyfile'), 'utf8');
    const config = `{\n\tadmin off\n}\n${shipped.replace('status.example.org {', `http://127.0.0.1:${port} {`).replace('/srv/civic-status', exportDir)}`;
    fs.writeFileSync(path.join(dir, 'Caddyfile'), config);
    const caddy: ChildProcess = spawn('caddy', ['run', '--config', path.join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], {
      stdio: 'ignore',
      env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
    });
    try {
      const site = `http://127.0.0.1:${port}`;
      let index: Response | undefined;
      for (let i = 0; i < 100 && !index?.ok; i++) {
        index = await fetch(`${site}/`).catch(() => undefined);
        if (!index?.ok) await new Promise((r) => setTimeout(r, 100));
      }
      expect(index?.status).toBe(200);
      expect(index!.headers.get('cache-control')).toBe('no-cache');
      expect(await index!.text()).toContain('Reabierta a las 9:00');
      const feed = await fetch(`${site}/elche.atom`);
      expect(feed.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
      expect(parseFeed(await feed.text()).items).toHaveLength(1);
      expect((await fetch(`${site}/status.json`)).headers.get('content-type')).toMatch(/^application\/json/);
      // The bot goes away; the published copy stays.
      await served!.close();
      served = undefined;
      expect(await fetch(`${base}/status`).then((r) => r.status, () => 'down')).toBe('down');
      const after = await fetch(`${site}/index.it.html`);
      expect(after.status).toBe(200);
      expect(await after.text()).toContain('<span class="badge">Aperto</span>');
    } finally {
      caddy.kill('SIGTERM');
    }
  });
});
