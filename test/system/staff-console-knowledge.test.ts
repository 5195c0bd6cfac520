import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { ROOT } from '../../src/config.js';
import { buildApp } from '../../src/app/http.js';
import type { Lang } from '../../src/knowledge/schema.js';
import { axeViolations, serveInChromium, touchTargets, watchProblems, type Served } from '../support/browser.js';
import { testConfig } from '../support/helpers.js';

// #32 in a real Chromium: a Paiporta editor, on a phone, gives the council's phone help a number,
// sees in Valencian and Swedish what the bot will answer, publishes, and the chat answers with the
// number in both; then goes back to the facts as they were, and the answers are as before.

const ARTIFACTS = path.join(ROOT, 'test-results');
const ADMIN_TOKEN = 'knowledge-console-admin-token-0123';
const EDITOR = { username: 'ana', password: 'paiporta-editor-2026', role: 'editor', orgs: ['paiporta'] };
/** A number of the council's phone help, as a communications officer would type it (a test's, no source's). */
const NUMBER = '960 00 00 00';
const ASKED: Record<'ca' | 'sv', string> = { ca: 'Quin és el número de telèfon?', sv: 'Vilket telefonnummer har ni?' };

const texts = JSON.parse(fs.readFileSync(path.join(ROOT, 'locales', 'es', 'console.json'), 'utf8'));
const k = texts.knowledge;

let bot: ChatCore;
let app: FastifyInstance;
let served: Served;
let context: BrowserContext;
let page: Page;
let problems: string[];
const measured: [string, number, number][] = [];

async function chat(lang: 'ca' | 'sv'): Promise<string> {
  const res = await fetch(`${served.base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: ASKED[lang], lang, org: 'paiporta' }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { reply: { text: string } }).reply.text;
}
const digits = (s: string) => s.replace(/\D/g, '');

beforeAll(async () => {
  bot = await assemble(testConfig({ ADMIN_TOKEN }));
  app = buildApp({ bot, adminToken: ADMIN_TOKEN });
  served = await serveInChromium(app);
  const res = await fetch(`${served.base}/api/admin/staff`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` }, body: JSON.stringify(EDITOR) });
  expect(res.status).toBe(201);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await served?.close();
  await bot?.close();
});

async function tap(target: Locator): Promise<void> {
  await target.scrollIntoViewIfNeeded();
  await target.tap();
}

/** The checks of every screen: no horizontal scrolling, touch targets of 44 px or more, axe, a screenshot. */
async function screen(name: string): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${name}: no horizontal scrolling`).toBe(true);
  const targets = await touchTargets(page);
  expect(targets.filter((t) => t.height < 44), `${name}: touch targets under 44 px`).toEqual([]);
  expect(await axeViolations(page), name).toEqual([]);
  await page.screenshot({ path: path.join(ARTIFACTS, `knowledge-${name}.png`), fullPage: true });
  measured.push([name, targets.length, Math.min(...targets.map((t) => t.height))]);
}

const before: Partial<Record<Lang, string>> = {};

describe('an editor keeps the facts current from the console (360 px, touch)', () => {
  it('logs in and opens what the bot knows of Paiporta', async () => {
    for (const lang of ['ca', 'sv'] as const) before[lang] = await chat(lang);
    expect(digits(before.ca!)).not.toContain(digits(NUMBER));
    context = await served.browser.newContext({ locale: 'es-ES', timezoneId: 'Europe/Madrid', viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true });
    page = await context.newPage();
    problems = watchProblems(page);
    await page.goto(`${served.base}/staff/knowledge`);
    await page.locator('#login-username').fill(EDITOR.username);
    await page.locator('#login-password').fill(EDITOR.password);
    await page.keyboard.press('Enter');
    await page.locator('form.k-form[data-org="paiporta"]').waitFor();
    await expect.poll(() => page.locator('h1').textContent()).toBe(k.title);
    await screen('form');
  });

  it('refuses a number that is none, says which field and why, and keeps nothing', async () => {
    await tap(page.getByRole('button', { name: k.contacts.add }));
    const value = page.locator('#k-organisation-contacts-0-value');
    await value.fill('96 00');
    await page.locator('#k-organisation-contacts-0-label-es').fill('Atención telefónica');
    await tap(page.getByRole('button', { name: k.save }));
    await page.locator('.problems').waitFor();
    expect(await value.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#k-organisation-contacts-0-value-error').textContent()).toBe(k.problem.phone);
    const draft = await fetch(`${served.base}/api/admin/knowledge/drafts/paiporta`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(draft.status).toBe(404); // nothing saved
    await screen('problems');
  });

  it('previews the answers in Valencian and Swedish with the number', async () => {
    await page.locator('#k-organisation-contacts-0-value').fill(NUMBER);
    // Only Valencian and Swedish, to check.
    for (const lang of ['en', 'es', 'it']) await tap(page.locator('.preview-langs label').filter({ has: page.locator(`span[lang="${lang}"]`) }));
    await tap(page.getByRole('button', { name: k.preview.show }));
    await page.locator('.k-preview').waitFor();
    expect(await page.locator('.said-preview').evaluateAll((s) => s.map((x) => x.getAttribute('data-lang')))).toEqual(['ca', 'sv']);
    for (const lang of ['ca', 'sv']) {
      const changed = page.locator(`.said-preview[data-lang="${lang}"] details.asked[data-changed="true"]`);
      expect(await changed.count(), lang).toBeGreaterThanOrEqual(1);
      const phone = changed.filter({ hasText: ASKED[lang as 'ca' | 'sv'] });
      expect(digits((await phone.locator('.said.after').textContent())!)).toContain(digits(NUMBER));
      expect(digits((await phone.locator('.said.now').textContent())!)).not.toContain(digits(NUMBER));
    }
    expect(digits(await chat('ca'))).not.toContain(digits(NUMBER)); // not published yet
    await screen('preview');
    // What README shows: the first answer that changes, as the phone shows it.
    await page.locator('.said-preview[data-lang="ca"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'knowledge-preview-phone.png') });
  });

  it('publishes, and the chat gives the number in both languages', async () => {
    await tap(page.getByRole('button', { name: k.preview.publish }));
    await page.getByText(k.published).waitFor();
    for (const lang of ['ca', 'sv'] as const) expect(digits(await chat(lang)), lang).toContain(digits(NUMBER));
    await screen('published');
  });

  it('shows the change in the history with who made it, and goes back to the facts as they were', async () => {
    const latest = page.locator('.history li.entry').first();
    await latest.locator('summary').waitFor();
    expect(await latest.locator('summary').textContent()).toContain('ana');
    await tap(latest.locator('summary'));
    await latest.locator('.field-change ins', { hasText: NUMBER }).waitFor();
    const start = page.locator('.history li.entry').last();
    await tap(start.getByRole('button', { name: k.history.restore }));
    await screen('history');
    await tap(start.locator('.confirm').getByRole('button', { name: k.history.restore }));
    await page.locator('.notice-slot.ok', { hasText: k.history.restored.split('{{')[0] }).waitFor();
    for (const lang of ['ca', 'sv'] as const) expect(await chat(lang), lang).toBe(before[lang]);
    await expect.poll(() => page.locator('.history li.entry').count()).toBe(3); // the history is read again after the rollback
    await screen('rolled-back');
  });

  it('lists what was done in the change log too: the draft, the publication, the way back, by whom', async () => {
    await page.goto(`${served.base}/staff/audit`);
    await page.locator('ol.entries').waitFor();
    const entries = await page.locator('ol.entries > li').allTextContents();
    for (const action of ['draft', 'publish', 'rollback']) expect(entries.some((e) => e.includes(k.log[action]) && e.includes('ana')), action).toBe(true);
    await screen('change-log');
  });

  it('fits a laptop too (1280 px)', async () => {
    await page.goto(`${served.base}/staff/knowledge`);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.locator('form.k-form').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'knowledge-1280.png'), fullPage: true });
    console.log(`touch targets measured (screen, controls, smallest px): ${JSON.stringify(measured)}`);
    expect(problems).toEqual([]);
  });
});
