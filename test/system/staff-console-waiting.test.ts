import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { ROOT } from '../../src/config.js';
import { axeViolations, launchChromium, watchProblems } from '../support/browser.js';
import { handoffKnowledge } from '../support/handoff-kb.js';
import { say, startApp } from '../support/helpers.js';
import { onOneRedis, type Instance } from '../support/shared-redis.js';
import { addStaff, bearer } from '../support/staff.js';

// Citizens waiting for staff are seen from every page of the console: a badge with how many wait
// and for how long, within 5 s of a citizen asking for a person, also when the citizen talks to
// another instance on the same Redis. The conversation opens in view; closing it asks first.

const TOKEN = 'waiting-badge-token-0123456789';
const KB = handoffKnowledge({ paiporta: { timeZone: 'Europe/Madrid', handoff: { enabled: true } } });
const ENV = { ADMIN_TOKEN: TOKEN, KNOWLEDGE_DIR: KB, SESSION_SECRET: 'a-secret-the-two-instances-share-0123456789' };
const EDITOR = { username: 'pau', password: 'paiporta-editor-2026', role: 'editor', orgs: ['paiporta'] };
const ARTIFACTS = path.join(ROOT, 'test-results');
const es = JSON.parse(fs.readFileSync(path.join(ROOT, 'locales', 'es', 'console.json'), 'utf8'));
/** The acceptance's bound: the badge shows within this of a citizen asking. */
const BADGE_WITHIN_MS = 5000;

const shared = onOneRedis(ENV, { count: 2, timeout: 120_000 });
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

/** The console of this app on a real port, logged in as the editor, on a phone, at the status board. */
async function consoleOn(app: FastifyInstance): Promise<{ page: Page; problems: string[] }> {
  if (!app.server.listening) await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const context = await browser.newContext({ locale: 'es-ES', timezoneId: 'Europe/Madrid', viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(`${base}/staff/board`);
  await page.locator('#login-username').fill(EDITOR.username);
  await page.locator('#login-password').fill(EDITOR.password);
  await page.locator('#login-password').press('Enter');
  await page.locator('[data-office]').first().waitFor();
  return { page, problems };
}

/** How long after the citizen asked the badge shows `count` waiting. */
async function badgeAfter(page: Page, ask: () => Promise<unknown>, count: number): Promise<number> {
  const asked = Date.now();
  await ask();
  await page.locator(`.waiting[data-waiting="${count}"]`).waitFor({ timeout: BADGE_WITHIN_MS });
  return Date.now() - asked;
}

describe('the waiting badge, one instance', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const started = await startApp(ENV);
    app = started.app;
    close = async () => {
      await started.app.close();
      await started.bot.close();
    };
    await addStaff(app, TOKEN, EDITOR);
  }, 60_000);
  afterAll(async () => close?.());

  it('shows within 5 s of a citizen asking for a person, on whatever page is open; the conversation opens in view; closing asks first', async () => {
    const { page, problems } = await consoleOn(app);
    expect(await page.locator('.waiting').count()).toBe(0);
    const ms = await badgeAfter(page, () => say(app, 'waiting-1', 'Quiero hablar con una persona del Ayuntamiento de Paiporta', 'es'), 1);
    console.log(`badge shown ${ms} ms after the citizen asked (one instance)`);
    expect(ms).toBeLessThan(BADGE_WITHIN_MS);
    const badge = page.locator('.waiting');
    expect(await badge.textContent()).toMatch(/^1 esperando · la espera más larga: \d+ s$/);
    expect((await badge.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-waiting-badge.png') });

    // A second citizen: the count follows.
    await badgeAfter(page, () => say(app, 'waiting-2', 'Necesito hablar con alguien del ayuntamiento de Paiporta', 'es'), 2);

    await badge.tap();
    await page.waitForURL(/\/staff\/handoffs$/);
    const item = page.locator('.handoff').filter({ hasText: 'Quiero hablar con una persona' });
    await item.waitFor();
    expect(await item.locator('.waited').textContent()).toMatch(/^Espera una respuesta desde hace \d+ s$/);
    await item.getByRole('button', { name: es.handoffs.read }).tap();
    const conversation = item.locator('.conversation');
    await conversation.waitFor();
    // Opened in view, its start at the top of the screen, and focused.
    const box = (await conversation.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeLessThan(844 / 2);
    expect(await page.evaluate(() => document.activeElement?.classList.contains('conversation'))).toBe(true);
    await page.locator('#handoff-reply').fill('Buenas tardes, ¿en qué puedo ayudarle?');
    await conversation.getByRole('button', { name: es.handoffs.send }).tap();
    await conversation.locator('.notice-slot.ok').waitFor();
    // The queue shows the citizen's words, not the officer's own reply; the wait is over.
    await expect.poll(() => item.locator('.handoff-last').textContent(), { timeout: BADGE_WITHIN_MS }).toBe('Quiero hablar con una persona del Ayuntamiento de Paiporta');
    await expect.poll(() => page.locator('.waiting').getAttribute('data-waiting'), { timeout: BADGE_WITHIN_MS }).toBe('1');

    // Closing asks first; "no" keeps it open.
    await conversation.getByRole('button', { name: es.handoffs.close }).tap();
    await conversation.getByRole('group').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-handoff-close.png') });
    await conversation.getByRole('button', { name: es.handoffs.closeNo }).tap();
    expect((await app.inject({ method: 'GET', url: '/api/admin/handoffs', headers: bearer(TOKEN) })).json().handoffs).toHaveLength(2);
    await conversation.getByRole('button', { name: es.handoffs.close }).tap();
    await conversation.getByRole('button', { name: es.handoffs.closeYes }).tap();
    await expect.poll(async () => (await app.inject({ method: 'GET', url: '/api/admin/handoffs', headers: bearer(TOKEN) })).json().handoffs.length, { timeout: BADGE_WITHIN_MS }).toBe(1);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe('the waiting badge, two instances on one Redis', () => {
  it('shows on the console of one instance within 5 s of a citizen asking on the other', async () => {
    const [a, b]: Instance[] = shared.instances;
    await addStaff(a.app, TOKEN, EDITOR);
    const { page, problems } = await consoleOn(a.app);
    expect(await page.locator('.waiting').count()).toBe(0);
    const ms = await badgeAfter(page, () => say(b.app, 'waiting-redis', 'Quiero hablar con una persona del Ayuntamiento de Paiporta', 'es'), 1);
    console.log(`badge shown on instance A ${ms} ms after the citizen asked on instance B`);
    expect(ms).toBeLessThan(BADGE_WITHIN_MS);
    // Taken and answered on B: the badge on A clears.
    const [h] = (await b.app.inject({ method: 'GET', url: '/api/admin/handoffs', headers: bearer(TOKEN) })).json().handoffs;
    expect((await b.app.inject({ method: 'POST', url: `/api/admin/handoffs/${h.id}/messages`, headers: bearer(TOKEN), payload: { text: 'Le atiendo ahora.' } })).statusCode).toBe(201);
    await page.locator('.waiting').waitFor({ state: 'detached', timeout: BADGE_WITHIN_MS });
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
