import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, serveInChromium, watchProblems, type Served } from '../support/browser.js';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { ROOT } from '../../src/config.js';
import { buildApp } from '../../src/app/http.js';
import type { Lang } from '../../src/knowledge/schema.js';
import { testConfig } from '../support/helpers.js';

// The crisis notice in a real Chromium: an Elche editor sets it from the console on a phone, changes
// the Spanish text (the Valencian one is flagged as written before), ends it; the web chat shows it
// as a banner above the conversation and its first reply starts with it.

const ARTIFACTS = path.join(ROOT, 'test-results');
const ADMIN_TOKEN = 'crisis-console-admin-token-0123456789';
const EDITOR = { username: 'eli', password: 'elche-editor-crisis-2026', role: 'editor', orgs: ['elche'] };
const ES = 'Las OMAC atienden solo con cita previa hasta nuevo aviso.';
const CA = 'Les OMAC atenen només amb cita prèvia fins a nou avís.';
const ES_CHANGED = 'Las OMAC atienden con cita previa; la de El Altet sigue cerrada.';

type Texts = Record<string, any>;
const consoleTexts = (lang: Lang): Texts => JSON.parse(fs.readFileSync(path.join(ROOT, 'locales', lang, 'console.json'), 'utf8'));
const es = consoleTexts('es');
const fill = (template: string, values: Record<string, string>) => template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key]);

let bot: ChatCore;
let app: FastifyInstance;
let base: string;
let browser: Browser;
let served: Served | undefined;

const asAdmin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
const noticeOf = async (org: string) => (await (await fetch(`${base}/api/admin/organisations/${org}/notice`, { headers: asAdmin })).json()).notice;

beforeAll(async () => {
  bot = await assemble(testConfig({ ADMIN_TOKEN }));
  app = buildApp({ bot, adminToken: ADMIN_TOKEN });
  served = await serveInChromium(app);
  ({ base, browser } = served);
  const res = await fetch(`${base}/api/admin/staff`, { method: 'POST', headers: asAdmin, body: JSON.stringify(EDITOR) });
  expect(res.status).toBe(201);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await served?.close();
  await bot?.close();
});

async function noSeriousViolations(page: Page, what: string): Promise<void> {
  expect(await axeViolations(page), what).toEqual([]);
}

describe('the crisis notice', () => {
  it('is set, flagged stale in one language after a change, and ended from the console on a phone (360 px)', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'es-ES', hasTouch: true, isMobile: true });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${base}/staff/announcements`);
    await page.locator('#login-username').fill(EDITOR.username);
    await page.locator('#login-password').fill(EDITOR.password);
    await page.locator('#login-password').press('Enter');
    const form = page.locator('form.crisis-notice');
    await form.locator('[data-in-force="none"]').waitFor();
    expect(await form.locator('[data-in-force="none"]').textContent()).toBe(es.crisis.none);

    // Nothing written: the form says so, nothing is saved.
    await form.getByRole('button', { name: es.crisis.save }).click();
    await form.getByRole('alert').filter({ hasText: es.crisis.empty }).waitFor();

    await form.locator('#crisis-es').fill(ES);
    await form.locator('summary').click();
    await form.locator('#crisis-ca').fill(CA);
    const until = new Date(Date.now() + 3 * 3_600_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    await form.locator('#crisis-until').fill(`${until.getFullYear()}-${pad(until.getMonth() + 1)}-${pad(until.getDate())}T${pad(until.getHours())}:${pad(until.getMinutes())}`);
    await form.getByRole('button', { name: es.crisis.save }).click();
    await form.locator('[data-in-force]:not([data-in-force="none"])').waitFor();
    expect(await noticeOf('elche')).toMatchObject({ text: { es: ES, ca: CA }, by: EDITOR.username, stale: [] });
    await noSeriousViolations(page, 'the notice set');

    // The Spanish text changed, the Valencian one left: flagged as written before, on the server and in the form.
    await form.locator('#crisis-es').fill(ES_CHANGED);
    await form.getByRole('button', { name: es.crisis.save }).click();
    await form.locator('[data-stale="ca"]').waitFor();
    expect(await form.locator('[data-stale="ca"]').textContent()).toBe(fill(es.texts.stale, { language: es.languages.es }));
    expect(await noticeOf('elche')).toMatchObject({ text: { es: ES_CHANGED, ca: CA }, stale: ['ca'] });
    expect(await form.locator('#crisis-ca').getAttribute('aria-describedby')).toBe('crisis-ca-stale');
    await noSeriousViolations(page, 'a stale language flagged');
    await page.screenshot({ path: path.join(ARTIFACTS, 'crisis-notice-console-360.png'), fullPage: true });
    // Editing the flagged text takes the flag away (it is no longer what was written before).
    await form.locator('#crisis-ca').fill('Les OMAC atenen amb cita prèvia; la del Altet continua tancada.');
    expect(await form.locator('[data-stale="ca"]').count()).toBe(0);

    // What the citizen reads in Valencian meanwhile: the changed Spanish text, marked.
    const chat = await (await fetch(`${base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: "Està oberta l'OMAC de Torrellano?", lang: 'ca', org: 'elche' }) })).json();
    expect(chat.reply.text.startsWith(`Avís important de l'Ajuntament d'Elx (en castellà): ${ES_CHANGED}\n\n`)).toBe(true);

    await form.getByRole('button', { name: es.crisis.end }).click();
    await form.locator('[data-in-force="none"]').waitFor();
    expect(await noticeOf('elche')).toBeNull();
    const log = await (await fetch(`${base}/api/admin/notice-log`, { headers: asAdmin })).json();
    expect(log.entries.map((e: { action: string; actor: string }) => `${e.actor} ${e.action}`)).toEqual(['eli end', 'eli set', 'eli set']);
    // The change log page lists them beside the office changes.
    await page.goto(`${base}/staff/audit`);
    const entries = page.locator('ol.entries > li');
    await entries.first().waitFor();
    expect(await entries.first().textContent()).toContain(es.audit.noticeEnded);
    expect(await entries.nth(1).textContent()).toContain(es.audit.noticeSet.split('{{until}}')[0]);
    expect(await entries.nth(1).textContent()).toContain(`${es.languages.es}, ${es.languages.ca}`);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows as a banner in the web chat (360 px and 1280 px) and opens its first reply', async () => {
    const until = new Date(Date.now() + 2 * 3_600_000).toISOString();
    const set = await fetch(`${base}/api/admin/organisations/ats-insubria/notice`, { method: 'PUT', headers: asAdmin, body: JSON.stringify({ text: { it: "Il sito istituzionale è fuori servizio: l'albo pretorio e il portale famiglie funzionano." }, until }) });
    expect(set.status).toBe(200);
    for (const width of [360, 1280]) {
      const context = await browser.newContext({ viewport: { width, height: 800 }, locale: 'en-GB' });
      const page = await context.newPage();
      const problems = watchProblems(page);
      await page.goto(`${base}/`);
      await page.locator('.cw-launcher').click();
      const banner = page.locator('.cw-banner');
      await banner.waitFor();
      expect(await banner.textContent()).toBe("Important notice from ATS Insubria (in Italian): Il sito istituzionale è fuori servizio: l'albo pretorio e il portale famiglie funzionano.");
      await page.locator('.cw-input').fill('Is the ATS Insubria switchboard in Como working?');
      await page.locator('.cw-input').press('Enter');
      await page.locator('.cw-bot').first().waitFor();
      expect(await page.locator('.cw-bot').first().textContent()).toContain('Important notice from ATS Insubria (in Italian)');
      await page.screenshot({ path: path.join(ARTIFACTS, `crisis-notice-widget-${width}.png`) });
      expect(problems).toEqual([]);
      // axe last: it measures the shadow root with inline styles, which the page's CSP refuses (and reports).
      await noSeriousViolations(page, `the widget with its banner at ${width} px`);
      await context.close();
    }
    await fetch(`${base}/api/admin/organisations/ats-insubria/notice`, { method: 'DELETE', headers: { authorization: asAdmin.authorization } });
  });
  it("flags an announcement's language left as it was after another was changed since the preview, and sends it as the changed one", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${base}/staff/announcements`);
    await page.locator('#login-username').fill(EDITOR.username);
    await page.locator('#login-password').fill(EDITOR.password);
    await page.locator('#login-password').press('Enter');
    const compose = page.locator('form[aria-labelledby="compose-title"]');
    await compose.locator('#announce-es').fill(ES);
    await compose.locator('summary').click();
    await compose.locator('#announce-ca').fill(CA);
    expect(await compose.locator('[data-stale]').count()).toBe(0);
    await compose.getByRole('button', { name: es.announcements.review }).click();
    const preview = page.locator('[data-preview="announcement"]');
    expect(await preview.locator('.said-preview[data-lang="ca"] .said').textContent()).toBe(`Avís de l'Ajuntament d'Elx:\n${CA}`);
    await preview.getByRole('button', { name: es.preview.back }).click();
    // The Spanish text changed after the preview: the Valencian one, as it was, is flagged…
    await compose.locator('#announce-es').fill(ES_CHANGED);
    await compose.locator('[data-stale="ca"]').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'crisis-announcement-stale-1280.png'), fullPage: true });
    await noSeriousViolations(page, 'an announcement with a stale language');
    // …and the preview shows the Valencian subscribers the Spanish text, marked.
    await compose.getByRole('button', { name: es.announcements.review }).click();
    expect(await preview.locator('.said-preview[data-lang="ca"] .said').textContent()).toBe(`Avís de l'Ajuntament d'Elx:\nMissatge en castellà: ${ES_CHANGED}`);
    await preview.getByRole('button', { name: es.preview.sendAnyway }).click();
    const entry = page.locator('[data-announcement]').first();
    await entry.waitFor();
    expect(await entry.textContent()).toContain(fill(es.announcements.staleSent, { language: es.languages.es }));
    expect(problems).toEqual([]);
    await context.close();
  });
});
