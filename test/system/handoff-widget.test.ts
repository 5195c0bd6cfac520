import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { serveInChromium, type Served } from '../support/browser.js';
import { ROOT } from '../../src/config.js';
import type { ChatCore } from '../../src/app/chat-core.js';
import { handoffKnowledge } from '../support/handoff-kb.js';
import { say, sessionOf, startApp } from '../support/helpers.js';
import { addStaff, bearer } from '../support/staff.js';

/**
 * The widget and the console in real Chromium during a hand-over: a staff member's reply appears
 * in the widget as it is sent (events stream), marked as from a person; the console's queue shows
 * a new hand-over without a reload.
 */
const TOKEN = 'handoff-widget-token-0123456789';
/** Screenshots go with the other tests' (docs/ holds copies of these two). */
const ARTIFACTS = path.join(ROOT, 'test-results');
let bot: ChatCore;
let app: FastifyInstance;
let base: string;
let browser: Browser;
let served: Served | undefined;

beforeAll(async () => {
  const dir = handoffKnowledge({ paiporta: { timeZone: 'Europe/Madrid', handoff: { enabled: true } } });
  ({ bot, app } = await startApp({ ADMIN_TOKEN: TOKEN, KNOWLEDGE_DIR: dir }));
  served = await serveInChromium(app);
  ({ base, browser } = served);
}, 120_000);
afterAll(async () => {
  await served?.close();
  await bot?.close();
});

describe('the widget during a hand-over', () => {
  it("shows the staff reply as it arrives, labelled as from a person, without a reload or a poll", async () => {
    const context = await browser.newContext({ locale: 'es-ES' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/`);
    await page.locator('.cw-launcher').click();
    const bot_ = page.locator('.cw-bot');
    await page.locator('.cw-input').fill('Quiero hablar con una persona del Ayuntamiento de Paiporta');
    await page.locator('.cw-input').press('Enter');
    await expect.poll(() => bot_.last().textContent()).toContain('Le paso con el personal del Ayuntamiento de Paiporta; le responderán por aquí.');
    const [h] = (await app.inject({ method: 'GET', url: '/api/admin/handoffs', headers: bearer(TOKEN) })).json().handoffs;
    expect(h.org).toBe('paiporta');
    // The widget's stream is open before the reply is sent: it is what brings it (the poll runs every 30 s).
    await expect.poll(() => bot.handoffs.events.listenerCount('web')).toBe(1);
    const sentAt = Date.now();
    const res = await app.inject({ method: 'POST', url: `/api/admin/handoffs/${h.id}/messages`, headers: bearer(TOKEN), payload: { text: 'Hola, soy Marta, del Ayuntamiento. ¿En qué le ayudo?' } });
    expect(res.statusCode).toBe(201);
    const staff = page.locator('.cw-staff');
    await staff.waitFor({ timeout: 5000 });
    const arrivedMs = Date.now() - sentAt;
    expect(arrivedMs).toBeLessThan(3000);
    expect(await staff.locator('.cw-person').textContent()).toBe('Le atiende una persona');
    expect(await staff.locator('.cw-text').textContent()).toBe('Personal del Ayuntamiento de Paiporta:\nHola, soy Marta, del Ayuntamiento. ¿En qué le ayudo?');
    await page.screenshot({ path: path.join(ARTIFACTS, 'widget-handoff.png') });
    console.log(`staff reply shown in the widget ${arrivedMs} ms after it was sent`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the console queue shows a new hand-over without a reload; an editor reads it and replies', async () => {
    await addStaff(app, TOKEN, { username: 'pau', password: 'paiporta-editor-2026', role: 'editor', orgs: ['paiporta'] });
    // The conversation of the first test is closed: the queue starts empty.
    for (const h of (await app.inject({ method: 'GET', url: '/api/admin/handoffs', headers: bearer(TOKEN) })).json().handoffs) {
      await app.inject({ method: 'POST', url: `/api/admin/handoffs/${h.id}/close`, headers: bearer(TOKEN) });
    }
    const context = await browser.newContext({ locale: 'es-ES', viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/staff/handoffs`);
    await page.locator('#login-username').fill('pau');
    await page.locator('#login-password').fill('paiporta-editor-2026');
    await page.locator('#login-password').press('Enter');
    await page.locator('.handoffs-empty').waitFor();
    expect(await page.locator('main h1').textContent()).toBe('Conversaciones con el personal');

    await say(app, 'console-citizen', 'Hola, soy vecina de Paiporta');
    await say(app, 'console-citizen', 'Quiero hablar con una persona');
    const shownAt = Date.now();
    const item = page.locator('.handoff');
    await item.waitFor({ timeout: 6000 }); // the page reads the queue every 3 s: no reload
    console.log(`new hand-over shown in the console ${Date.now() - shownAt} ms after it opened`);
    expect(await item.locator('.entry-head').textContent()).toContain('En espera');
    expect(await item.locator('.entry-head').textContent()).toContain('castellano');
    await item.locator('button').click();
    await expect.poll(() => page.locator('.transcript').textContent()).toContain('Hola, soy vecina de Paiporta');
    await page.locator('#handoff-reply').fill('Buenas tardes, ¿en qué puedo ayudarle?');
    await page.locator('form button[type="submit"]').click();
    await expect.poll(() => page.locator('.notice-slot').textContent()).toBe('Enviada.');
    await expect.poll(() => item.locator('.entry-head').textContent()).toContain('la atiende pau');
    await page.screenshot({ path: path.join(ARTIFACTS, 'staff-console-handoff.png'), fullPage: true });
    const notices = (await app.inject({ method: 'GET', url: `/api/chat/${sessionOf('console-citizen')}/notifications` })).json().notifications;
    expect(notices).toEqual(['Personal del Ayuntamiento de Paiporta:\nBuenas tardes, ¿en qué puedo ayudarle?']);
    expect(errors).toEqual([]);
    await context.close();
  });
});
