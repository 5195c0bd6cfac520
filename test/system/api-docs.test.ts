import type { Browser } from 'playwright-core';
import { serveInChromium, type Served } from '../support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app/http.js';

// The docs page in a real browser: its own CSP must be enough for Swagger UI (no violation), the
// strict one stays everywhere else (test/integration/openapi.test.ts).

let browser: Browser;
let base: string;
let served: Served | undefined;

beforeAll(async () => {
  // The description needs no core: it is made from the routes alone.
  served = await serveInChromium(buildApp({ bot: () => undefined, adminToken: 'an-admin-token-of-some-length' }));
  ({ base, browser } = served);
}, 120_000);
afterAll(async () => {
  await served?.close();
});

describe('/api/docs in Chromium', () => {
  it('shows every operation and an opened one, with no CSP violation', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(`${base}/api/docs`);
    await page.waitForSelector('.opblock', { timeout: 30_000 });
    expect(await page.locator('.opblock').count()).toBeGreaterThanOrEqual(17);
    // Opening POST /api/chat renders its schemas and examples (the part that sets inline styles).
    await page.locator('.opblock-summary', { hasText: '/api/chat' }).first().click();
    await page.waitForSelector('.opblock-body .responses-table', { timeout: 10_000 });
    await expect.poll(() => page.locator('.opblock-body').innerText()).toContain('statusCode');
    expect(problems).toEqual([]);
    await page.close();
  });
});
