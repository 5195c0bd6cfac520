import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core in the page (evaluated by the test, so the page keeps its CSP): its serious and critical violations. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: any) => `${v.id}: ${v.help} (${v.nodes.map((n: any) => n.target.join(' ')).join(', ')})`);
  });
}

/**
 * Every control a finger may use, with its height on screen: links, buttons, fields, menus,
 * disclosures; a radio button or checkbox by the label that holds it (the label is what is tapped).
 */
export async function touchTargets(page: Page): Promise<{ what: string; height: number }[]> {
  return page.evaluate(() => {
    const out: { what: string; height: number }[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea, summary')) {
      const target = el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio') ? (el.closest('label') ?? el) : el;
      const r = target.getBoundingClientRect();
      const style = getComputedStyle(target);
      // Not on screen: hidden, folded away, or the skip link parked off the page until focused.
      if (r.width === 0 || r.height === 0 || style.visibility === 'hidden' || r.right < 0 || target.closest('[hidden], details:not([open]) > :not(summary)')) continue;
      out.push({ what: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(target.textContent || (el as HTMLInputElement).value || el.getAttribute('aria-label') || '').trim().slice(0, 40)}"`, height: Math.round(r.height * 10) / 10 });
    }
    return out;
  });
}

/** What should never happen on a page, as it happens: script errors and Content Security Policy refusals. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  return problems;
}

/** Headless Chromium from Debian's package (`.ci/run` installs it), quiet: no network of its own, no first-run pages. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** The app on a real loopback port and a Chromium to open it: what every browser test stands on. */
export interface Served {
  /** `http://127.0.0.1:<port>` */
  base: string;
  browser: Browser;
  /** Chromium first (its pages hold connections open to the app), then the app. */
  close(): Promise<void>;
}

/** Puts the app on a free port (0: the system picks) and starts Chromium; if either fails, the app is closed again. */
export async function serveInChromium(app: FastifyInstance): Promise<Served> {
  let browser: Browser;
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  } catch (err) {
    await app.close();
    throw err;
  }
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    base,
    browser,
    close: async () => {
      await browser.close();
      await app.close();
    },
  };
}
