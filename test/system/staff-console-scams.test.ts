import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import type { ChatCore } from '../../src/app/chat-core.js';
import { ROOT } from '../../src/config.js';
import { axeViolations, launchChromium, touchTargets, watchProblems } from '../support/browser.js';
import { say, startApp } from '../support/helpers.js';
import { addStaff } from '../support/staff.js';

// The console's "Scam contacts" page in real Chromium, on a phone and a laptop: an editor lists a
// number as citizens received it, the bot warns of it at once, the list and its log show who did it;
// removing it is one button. axe finds no serious or critical violation.

const TOKEN = 'scams-console-token-0123456789';
const EDITOR = { username: 'elena', password: 'elche-editor-2026', role: 'editor', orgs: ['elche'] };
const ARTIFACTS = path.join(ROOT, 'test-results');
const es = JSON.parse(fs.readFileSync(path.join(ROOT, 'locales', 'es', 'console.json'), 'utf8'));

let browser: Browser;
let app: FastifyInstance;
let bot: ChatCore;
let base: string;
beforeAll(async () => {
  ({ bot, app } = await startApp({ ADMIN_TOKEN: TOKEN }));
  await addStaff(app, TOKEN, EDITOR);
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await bot?.close();
});

describe.each([
  { name: 'phone', viewport: { width: 360, height: 780 }, touch: true, number: '600 000 010' },
  { name: 'laptop', viewport: { width: 1280, height: 800 }, touch: false, number: '600 000 011' },
])('the scam contacts page ($name)', ({ name, viewport, touch, number }) => {
  it('lists a number, the bot warns of it by name, and removes it', async () => {
    const context = await browser.newContext({ locale: 'es-ES', timezoneId: 'Europe/Madrid', viewport, hasTouch: touch, isMobile: touch });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${base}/staff/scams`);
    await page.locator('#login-username').fill(EDITOR.username);
    await page.locator('#login-password').fill(EDITOR.password);
    await page.locator('#login-password').press('Enter');
    await page.getByRole('heading', { level: 1, name: es.scams.title }).waitFor();
    // The title is drawn before the list arrives: wait for the list, then check it is empty.
    await page.getByText(es.scams.none).waitFor();
    expect(await page.getByText(es.scams.none).count()).toBe(1);

    await page.getByLabel(es.scams.kind).selectOption('phone');
    await page.getByLabel(es.scams.value).fill(number);
    await page.getByRole('button', { name: es.scams.submit }).click();
    await page.locator('[data-scam]').first().waitFor();
    expect(await page.locator('[data-scam]').textContent()).toContain(number);
    expect(await page.locator('.notice-slot.ok').textContent()).toContain(number);
    expect(await page.getByRole('heading', { name: es.scams.log }).count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    if (touch) expect((await touchTargets(page)).filter((x) => x.height < 44)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, `scams-${name}.png`), fullPage: true });

    const warned = await say(app, `scams-${name}`, `Me han llamado del ${number} diciendo que son del Ayuntamiento de Elche`);
    expect(warned.nlu.intent).toBe('verify_contact');
    expect(warned.reply.text.startsWith(bot.texts.t('es')('verify.scam', { value: number, org: 'el Ayuntamiento de Elche' }))).toBe(true);

    await page.getByRole('button', { name: es.scams.removeOne.replace('{{value}}', number) }).click();
    await page.getByText(es.scams.none).waitFor();
    expect((await bot.stores.scams.list('elche')).length).toBe(0);
    expect((await bot.stores.scams.log('elche')).map((e) => `${e.action}:${e.actor}`).slice(0, 2)).toEqual(['remove:elena', 'add:elena']);
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
});
