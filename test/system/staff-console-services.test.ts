import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { ROOT } from '../../src/config.js';
import { buildApp } from '../../src/app/http.js';
import { localized } from '../../src/knowledge/knowledge.js';
import { axeViolations, serveInChromium, touchTargets, watchProblems, type Served } from '../support/browser.js';
import { testConfig } from '../support/helpers.js';

// The services and channels on the console's board: an ATS Insubria editor changes the website's
// state from its card (on a phone at 360 px and on a desktop at 1280 px); a viewer sees the cards only.

const ARTIFACTS = path.join(ROOT, 'test-results');
const ADMIN_TOKEN = 'services-console-admin-token-0123456789';
const WEBSITE = 'ats-insubria-website';
const it_ = JSON.parse(fs.readFileSync(path.join(ROOT, 'locales', 'it', 'console.json'), 'utf8'));
const en = JSON.parse(fs.readFileSync(path.join(ROOT, 'locales', 'en', 'console.json'), 'utf8'));

let bot: ChatCore;
let app: FastifyInstance;
let served: Served | undefined;
let base: string;

beforeAll(async () => {
  bot = await assemble(testConfig({ ADMIN_TOKEN }));
  app = buildApp({ bot, adminToken: ADMIN_TOKEN });
  served = await serveInChromium(app);
  base = served.base;
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const account of [
    { username: 'giulia', password: 'ats-insubria-comunicazione', role: 'editor', orgs: ['ats-insubria'] },
    { username: 'marco', password: 'ats-insubria-lettura-2026', role: 'viewer', orgs: ['ats-insubria'] },
  ]) {
    const res = await fetch(`${base}/api/admin/staff`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` }, body: JSON.stringify(account) });
    expect(res.status).toBe(201);
  }
}, 120_000);
afterAll(async () => {
  await served?.close();
  await bot?.close();
});

async function open(viewport: { width: number; height: number }, locale: string, user: string, password: string): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const touch = viewport.width < 500;
  const context = await served!.browser.newContext({ locale, timezoneId: 'Europe/Rome', viewport, hasTouch: touch, isMobile: touch });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(`${base}/staff`);
  await page.locator('#login-username').fill(user);
  await page.locator('#login-password').fill(password);
  await page.locator('#login-password').press('Enter');
  await page.locator(`.service-card[data-service="${WEBSITE}"]`).waitFor();
  return { context, page, problems };
}

async function checked(page: Page, name: string, touch: boolean): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${name}: no horizontal scrolling`).toBe(true);
  if (touch) expect((await touchTargets(page)).filter((t) => t.height < 44), `${name}: touch targets under 44 px`).toEqual([]);
  expect(await axeViolations(page), name).toEqual([]);
  await page.screenshot({ path: path.join(ARTIFACTS, `services-${name}.png`), fullPage: true });
}

describe("the board's services and channels", () => {
  for (const [width, height] of [
    [360, 780],
    [1280, 900],
  ] as const) {
    it(`an editor changes the website from its card at ${width} px; the chatbot answers with it at once`, async () => {
      const { context, page, problems } = await open({ width, height }, 'it-IT', 'giulia', 'ats-insubria-comunicazione');
      try {
        const cards = page.locator('.service-card');
        expect(await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-service')))).toEqual(bot.knowledge.services('ats-insubria').map((s) => s.id));
        await checked(page, `board-${width}`, width < 500);
        const name = localized(bot.knowledge.serviceById(WEBSITE)!.name, 'it');
        await page.getByRole('button', { name: it_.services.changeOne.replace('{{service}}', name) }).click();
        const form = page.locator(`form.service-form[data-service="${WEBSITE}"]`);
        await form.waitFor();
        const status = width < 500 ? 'limited' : 'available';
        await form.getByLabel(it_.services.status[status], { exact: true }).check();
        if (status === 'limited') await form.locator(`#expected-${WEBSITE}`).fill('2022-05-20');
        const note = width < 500 ? 'Solo le pagine informative sono raggiungibili.' : 'Il sito è di nuovo raggiungibile.';
        await form.locator(`#service-note-${WEBSITE}-it`).fill(note);
        await checked(page, `form-${width}`, width < 500);
        await form.getByRole('button', { name: it_.services.save }).click();
        await page.locator('.services .notice-slot', { hasText: it_.services.status[status] }).waitFor();
        const card = page.locator(`.service-card[data-service="${WEBSITE}"]`);
        await card.locator(`.badge.${status}`).waitFor();
        expect(await card.textContent()).toContain(note);
        expect(await card.textContent()).toContain('giulia');
        expect(bot.knowledge.serviceById(WEBSITE)).toMatchObject({ status, note: { it: note } });
        const [entry] = (await bot.services.auditLog()).slice(-1);
        expect(entry).toMatchObject({ service: WEBSITE, actor: 'giulia', after: { status } });
        const answer = await bot.chat({ sessionId: `asked-${width}`, channel: 'web', text: "Il sito dell'ATS Insubria funziona?", lang: 'it' });
        expect(answer.reply.text).toContain(note);
        await checked(page, `saved-${width}`, width < 500);
        // The change log names the service and what changed.
        await page.goto(`${base}/staff/audit`);
        const logged = page.locator('.entry', { hasText: name.charAt(0).toUpperCase() + name.slice(1) }).first();
        await logged.waitFor();
        expect(await logged.textContent()).toContain(it_.services.status[status]);
        expect(await logged.textContent()).toContain('giulia');
        if (width > 500) await checked(page, `audit-${width}`, false);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  it('an Italian note left as it was after the Spanish one changed is flagged in the form until it is brought up to date', async () => {
    const IT = 'Funzionano solo le pagine informative.';
    await bot.services.update(WEBSITE, { status: 'limited', note: { es: 'Solo funcionan las páginas informativas.', it: IT } }, 'api-token');
    await new Promise((r) => setTimeout(r, 5));
    await bot.services.update(WEBSITE, { note: { es: 'Ya funciona también el área de trámites en línea.', it: IT } }, 'api-token');
    const { context, page, problems } = await open({ width: 1280, height: 900 }, 'it-IT', 'giulia', 'ats-insubria-comunicazione');
    try {
      const name = localized(bot.knowledge.serviceById(WEBSITE)!.name, 'it');
      await page.getByRole('button', { name: it_.services.changeOne.replace('{{service}}', name) }).click();
      const form = page.locator(`form.service-form[data-service="${WEBSITE}"]`);
      const flag = form.locator('[data-stale="it"]');
      await flag.waitFor();
      expect(await flag.textContent()).toContain(it_.texts.stale.split('{{')[0].trim());
      expect(await form.locator('[data-stale]').count()).toBe(1);
      await checked(page, 'stale-1280', false);
      const IT2 = "Ora funziona anche l'area dei servizi online.";
      await form.locator(`#service-note-${WEBSITE}-it`).fill(IT2);
      expect(await flag.count()).toBe(0);
      await form.getByRole('button', { name: it_.services.save }).click();
      await expect.poll(() => bot.knowledge.serviceById(WEBSITE)!.note.it).toBe(IT2);
      const answer = await bot.chat({ sessionId: 'asked-stale', channel: 'web', text: "Il sito dell'ATS Insubria funziona?", lang: 'it' });
      expect(answer.reply.text).toContain(IT2);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a viewer sees the cards without a way to change them', async () => {
    const { context, page, problems } = await open({ width: 1280, height: 900 }, 'en-GB', 'marco', 'ats-insubria-lettura-2026');
    try {
      expect(await page.locator('.service-card').count()).toBe(bot.knowledge.services('ats-insubria').length);
      expect(await page.locator('.service-card button, form.service-form').count()).toBe(0);
      expect(await page.locator('.services').textContent()).toContain(en.services.introViewer);
      await checked(page, 'viewer-1280', false);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
