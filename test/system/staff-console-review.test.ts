import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { axeViolations, serveInChromium, type Served } from '../support/browser.js';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { ROOT } from '../../src/config.js';
import { buildApp } from '../../src/app/http.js';
import { testConfig } from '../support/helpers.js';

// The review page in a real Chromium against the real app on a real port: an Elche editor sees
// the message the bot missed, teaches it, and the NLU status shows the taught example.

const ADMIN_TOKEN = 'review-console-admin-token-0123456789';
const EDITOR = { username: 'elena', password: 'elche-editor-2026', role: 'editor', orgs: ['elche'] };
const MISS = 'tengo que sacar el volante para matricular al niño';
const es = JSON.parse(fs.readFileSync(path.join(ROOT, 'locales/es/console.json'), 'utf8'));

let bot: ChatCore;
let base: string;
let browser: Browser;
let served: Served | undefined;

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: await r.json() }));

beforeAll(async () => {
  bot = await assemble(testConfig({ ADMIN_TOKEN, NLU_THREAD: 'true' }));
  served = await serveInChromium(buildApp({ bot, adminToken: ADMIN_TOKEN }));
  ({ base, browser } = served);
}, 120_000);
afterAll(async () => {
  await served?.close();
  await bot?.close();
});

describe('the review page', () => {
  it('an editor teaches a missed message and the NLU status shows it; the bot understands it', async () => {
    expect((await post('/api/admin/staff', EDITOR, { authorization: `Bearer ${ADMIN_TOKEN}` })).status).toBe(201);
    const missed = await post('/api/chat', { text: MISS, org: 'elche' });
    expect(missed.body.nlu.intent).toBe('out_of_scope');
    await post('/api/chat', { text: 'Mi gato se llama Misi, llamadme al 612 345 678', org: 'elche' });

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(`${base}/staff/review`);
    await page.locator('#login-username').fill(EDITOR.username);
    await page.locator('#login-password').fill(EDITOR.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: es.review.title }).waitFor();

    const item = page.locator('[data-review]', { hasText: MISS });
    await item.waitFor();
    await expect(page.locator('[data-review]', { hasText: 'Misi' }).textContent()).resolves.toContain('[phone]');
    await expect(page.locator('[data-taught]').textContent()).resolves.toBe('0');
    await item.getByLabel(es.review.meant).selectOption('certificate_request');
    await item.getByRole('button', { name: es.review.teach }).click();
    const status = page.locator('[role="status"]', { hasText: es.review.taught.replace('{{intent}}', es.intents.certificate_request) });
    await status.waitFor({ timeout: 15_000 });
    await expect(page.locator('[data-taught]').textContent()).resolves.toBe('1');
    await page.locator('[data-example]', { hasText: MISS }).waitFor();
    // The item stays where it was, saying what was done (the next one does not slide under the finger), its buttons gone.
    expect(await item.locator('[role="status"]').textContent()).toBe(es.review.taught.replace('{{intent}}', es.intents.certificate_request));
    expect(await item.getByRole('button').count()).toBe(0);
    // The model's figures come last, folded away.
    expect(await page.locator('main > *').last().getAttribute('data-nlu')).not.toBeNull();
    // Beside the other tests' screenshots (docs/ holds a copy): no test writes a tracked file.
    fs.mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'staff-console-review.png'), fullPage: true });

    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    const now = await post('/api/chat', { text: MISS, org: 'elche' });
    expect(now.body.nlu.intent).toBe('certificate_request');
    await context.close();
  }, 60_000);
});
