import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import type { ChatCore } from '../../src/core/chat-core.js';
import { handoffKnowledge } from '../support/handoff-kb.js';
import { startApp } from '../support/helpers.js';
import { bearer } from '../support/staff.js';

/** The widget in real Chromium during a hand-over: a staff member's reply appears as it is sent (events stream), marked as from a person. */
const TOKEN = 'handoff-widget-token-0123456789';
let bot: ChatCore;
let app: FastifyInstance;
let base: string;
let browser: Browser;

beforeAll(async () => {
  const dir = handoffKnowledge({ paiporta: { timeZone: 'Europe/Madrid', handoff: { enabled: true } } });
  ({ bot, app } = await startApp({ ADMIN_TOKEN: TOKEN, KNOWLEDGE_DIR: dir }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
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
    await page.screenshot({ path: 'docs/widget-handoff.png' });
    console.log(`staff reply shown in the widget ${arrivedMs} ms after it was sent`);
    expect(errors).toEqual([]);
    await context.close();
  });
});
