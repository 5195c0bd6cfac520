import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { serveInChromium, type Served } from '../support/browser.js';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { ROOT } from '../../src/config.js';
import { buildApp } from '../../src/app/http.js';
import type { Lang } from '../../src/knowledge/schema.js';
import { testConfig } from '../support/helpers.js';
import { webSessions } from '../../src/features/webchat/sessions.js';
import { officeNames, statusText } from '../support/texts.js';

// The widget in a real browser, against the real app on a real port.

const ARTIFACTS = path.join(ROOT, 'test-results');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

type Locale = Record<string, any>;
const locale = (lang: Lang): Locale => JSON.parse(fs.readFileSync(path.join(ROOT, 'locales', lang, 'translation.json'), 'utf8'));
const fill = (template: string, values: Record<string, string>) => template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key]);

let bot: ChatCore;
let app: FastifyInstance;
let base: string;
let browser: Browser;
let served: Served | undefined;
/** Two councils' sites (their own origins): one listed in WIDGET_ORIGINS, one not. */
let council: http.Server;
let stranger: http.Server;
/** Paiporta's own site: its widget carries data-org and no data-lang. */
let paiporta: http.Server;
const origin = (server: http.Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

/** A page of another site with the one-line embed (on loopback too: Chromium forbids public -> loopback). */
async function embeddingSite(attributes = 'data-lang="it"'): Promise<http.Server> {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><html lang="it"><head><title>Comune</title></head><body><h1>Comune</h1>
      <script src="${base}/widget.js" ${attributes}></script></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

beforeAll(async () => {
  [council, stranger, paiporta] = await Promise.all([embeddingSite(), embeddingSite(), embeddingSite('data-org="paiporta"')]);
  bot = await assemble(testConfig());
  app = buildApp({ bot, widgetOrigins: [origin(council), origin(paiporta)] });
  served = await serveInChromium(app);
  ({ base, browser } = served);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await served?.close();
  await bot?.close();
  council?.close();
  stranger?.close();
  paiporta?.close();
});

const officeName = (id: string, lang: Lang) => bot.knowledge.base.offices.find((o) => o.id === id)!.name[lang]!;

/** A page that records what should never happen: dialogs, script errors, CSP violations. */
async function openPage(context: BrowserContext, url = `${base}/`) {
  const page = await context.newPage();
  const problems: string[] = [];
  const chatBodies: Record<string, unknown>[] = [];
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith('/api/chat')) chatBodies.push(request.postDataJSON());
  });
  await page.goto(url);
  await page.locator('.cw-launcher').waitFor();
  return { page, problems, chatBodies };
}

const w = (page: Page) => ({
  launcher: page.locator('.cw-launcher'),
  panel: page.locator('.cw-panel'),
  input: page.locator('.cw-input'),
  select: page.locator('.cw-lang'),
  botMessages: page.locator('.cw-bot'),
  userMessages: page.locator('.cw-user'),
  notice: page.locator('.cw-notice'),
  chips: page.locator('.cw-chip'),
});

/** Is this element (inside the widget's shadow root) the focused one? */
const focused = (page: Page, selector: string) =>
  page.locator(selector).evaluate((node) => (node.getRootNode() as ShadowRoot).activeElement === node);

/** Types a message as a keyboard user would and waits for the next bot message. */
async function ask(page: Page, text: string): Promise<string> {
  const { input, botMessages } = w(page);
  const before = await botMessages.count();
  await input.focus();
  await input.fill(text);
  await input.press('Enter');
  await botMessages.nth(before).waitFor();
  return (await botMessages.nth(before).textContent())!;
}

describe('web chat widget', () => {
  it('holds a conversation in Valencian and Swedish, keeps it over a reload and shows text as text', async () => {
    const ca = locale('ca');
    const sv = locale('sv');
    const context = await browser.newContext({ locale: 'ca-ES', viewport: { width: 1280, height: 820 } });
    const { page, problems, chatBodies } = await openPage(context);
    const { launcher, panel, input, select, botMessages, userMessages, chips } = w(page);

    // Closed: a launcher button in the browser's language (the demo page sets no data-lang).
    expect(await panel.isHidden()).toBe(true);
    expect((await launcher.textContent())?.trim()).toBe(ca.widget.open);
    expect(await launcher.getAttribute('aria-expanded')).toBe('false');

    // Keyboard: the launcher opens the panel and focus moves into it.
    await launcher.focus();
    await page.keyboard.press('Enter');
    await panel.waitFor();
    expect(await panel.getAttribute('lang')).toBe('ca');
    expect(await launcher.getAttribute('aria-expanded')).toBe('true');
    expect(await focused(page, '.cw-input')).toBe(true);
    expect(await input.getAttribute('placeholder')).toBe(ca.widget.placeholder);
    expect(await page.locator('.cw-log').getAttribute('aria-live')).toBe('polite');

    // Asked in Valencian, answered in Valencian; the typing indicator shows while the answer comes.
    await page.route('**/api/chat', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 600));
      await route.continue();
    });
    await input.fill("Està oberta l'OMAC del Altet?");
    await input.press('Enter');
    await page.locator('.cw-typing').waitFor({ state: 'visible' });
    await botMessages.first().waitFor();
    await page.unroute('**/api/chat');
    expect(await page.locator('.cw-typing').isHidden()).toBe(true);
    // "Is it open?": no, first.
    expect(await botMessages.first().textContent()).toContain(fill(ca.status.no_closed, officeNames(bot, 'elche-el-altet', 'ca')));
    expect(await botMessages.first().getAttribute('lang')).toBe('ca');
    expect(chatBodies[0]).not.toHaveProperty('lang'); // no language picked yet: the server follows the message
    expect(chatBodies[0]).not.toHaveProperty('sessionId'); // the server issues it

    // The picker: Swedish labels, and Swedish answers even to a message in Spanish.
    expect(await select.inputValue()).toBe('ca');
    expect(await select.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value).sort())).toEqual(
      ['ca', 'en', 'es', 'it', 'sv'],
    );
    await select.selectOption('sv');
    await page.waitForFunction(() => document.querySelector('.citizen-chat-widget')?.shadowRoot?.querySelector('.cw-panel')?.getAttribute('lang') === 'sv');
    expect(await input.getAttribute('placeholder')).toBe(sv.widget.placeholder);
    const altetSv = officeName('elche-el-altet', 'sv');
    const statusSv = await ask(page, '¿Está abierta la OMAC de El Altet?');
    expect(statusSv).toContain(fill(sv.status.reopening, officeNames(bot, 'elche-el-altet', 'sv')));
    expect(chatBodies.at(-1)).toMatchObject({ lang: 'sv' });

    // A quick reply: subscribe to the reopening.
    const subscribeLabel = fill(sv.quick.subscribe_office, officeNames(bot, 'elche-el-altet', 'sv'));
    const subscribe = chips.filter({ hasText: subscribeLabel });
    expect(await subscribe.count()).toBe(1);
    const before = await botMessages.count();
    await subscribe.click();
    await botMessages.nth(before).waitFor();
    expect(await userMessages.last().textContent()).toContain(subscribeLabel);
    expect(await botMessages.nth(before).textContent()).toContain(fill(sv.subscribe.done, officeNames(bot, 'elche-el-altet', 'sv')));

    // Phone numbers become tel: links.
    const phones = await ask(page, '¿Cuál es el teléfono de ATS Insubria?');
    expect(phones).toContain('031/370.111');
    expect(await botMessages.last().locator('a[href="tel:031370111"]').textContent()).toBe('031/370.111');

    // Staff reopen the office: the notice arrives at the poll made when the panel opens.
    // The widget holds the id the server issued; the bot keeps the conversation under the id inside it.
    const token = await page.evaluate((key) => JSON.parse(localStorage.getItem(key)!), `citizen-chat:${base}:session`);
    const sessionId = webSessions(bot.config).verify(token)!;
    expect(sessionId).toEqual(expect.any(String));
    await bot.live.update('elche-el-altet', { status: 'open' });
    await expect.poll(async () => bot.stores.inbox.count(sessionId)).toBe(1);
    // …and one with links, to see them made safe (a change id that sorts after the real one's).
    await bot.stores.inbox.push(sessionId, 'zzzz', 'Info: https://www.example.org/news?x=1. Mail info@example.org, not javascript:alert(1).');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    expect(await focused(page, '.cw-launcher')).toBe(true);
    const beforeNotices = await botMessages.count();
    await page.keyboard.press('Enter');
    await botMessages.nth(beforeNotices + 1).waitFor();
    expect(await botMessages.nth(beforeNotices).textContent()).toContain(fill(sv.notify.changed, { office: altetSv }));
    const linked = botMessages.nth(beforeNotices + 1);
    const web = linked.locator('a[href^="http"]');
    expect(await web.getAttribute('href')).toBe('https://www.example.org/news?x=1');
    expect(await web.getAttribute('target')).toBe('_blank');
    expect(await web.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await linked.locator('a[href="mailto:info@example.org"]').count()).toBe(1);
    expect(await linked.locator('a').count()).toBe(2); // javascript: stays text

    // A reload keeps the conversation and the language picked.
    const transcript = await page.locator('.cw-msg').allTextContents();
    await page.reload();
    await launcher.waitFor();
    await launcher.click();
    await panel.waitFor();
    expect(await page.locator('.cw-msg').allTextContents()).toEqual(transcript);
    expect(await select.inputValue()).toBe('sv');
    expect(await panel.getAttribute('lang')).toBe('sv');
    // …and the conversation on the server: the signed id goes on, and the follow-up is still about ATS Insubria.
    const afterReload = await ask(page, 'och deras e-postadress?');
    expect(chatBodies.at(-1)).toMatchObject({ sessionId: token });
    expect(afterReload).toContain('urp@ats-insubria.it');
    expect(chatBodies.slice(1).every((body) => body.sessionId === token)).toBe(true);

    // Markup typed by the user is shown as text, never run.
    const attack = '<img src=x onerror=alert(1)>';
    await ask(page, attack);
    expect(await userMessages.last().locator('.cw-text').textContent()).toBe(attack);
    expect(await page.locator('.cw-log img').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);

    await page.screenshot({ path: path.join(ARTIFACTS, 'widget.png') });

    // Accessibility of the open widget with this conversation (axe needs the CSP bypassed to be injected).
    const axeContext = await browser.newContext({ bypassCSP: true, storageState: await context.storageState(), viewport: { width: 1280, height: 820 } });
    const axePage = (await openPage(axeContext)).page;
    await axePage.locator('.cw-launcher').click();
    await axePage.locator('.cw-panel').waitFor();
    await axePage.locator('.cw-bot').last().waitFor();
    await axePage.addScriptTag({ path: AXE });
    const violations = await axePage.evaluate(async () => {
      const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
      return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n: any) => n.target.join(' ')) }));
    });
    expect(violations.filter((v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);

    // A phone-sized screen: the panel takes the screen, nothing sticks out.
    await axePage.setViewportSize({ width: 360, height: 740 });
    const box = (await axePage.locator('.cw-panel').boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(360);
    expect(await axePage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await axePage.screenshot({ path: path.join(ARTIFACTS, 'widget-360.png') });
    // There the panel covers the page, so Tab stays in it; Escape still closes it.
    await axePage.locator('.cw-input').focus();
    for (let i = 0; i < 12; i++) {
      await axePage.keyboard.press('Tab');
      expect(await axePage.locator('.cw-panel').evaluate((panel) => panel.contains((panel.getRootNode() as ShadowRoot).activeElement))).toBe(true);
    }
    await axePage.keyboard.press('Escape');
    await axePage.locator('.cw-panel').waitFor({ state: 'hidden' });
    expect(await focused(axePage, '.cw-launcher')).toBe(true);
    await axeContext.close();

    expect(problems).toEqual([]);
    await context.close();
  });

  it('says when the server is unreachable, keeps the message and delivers it once it is back', async () => {
    const en = locale('en');
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 820 } });
    const { page, problems } = await openPage(context);
    const { launcher, panel, botMessages, userMessages, notice } = w(page);
    await launcher.click();
    await panel.waitFor();
    expect(await ask(page, 'Is OMAC Torrellano open?')).toContain(statusText(bot, 'elche-torrellano', 'en'));

    // Down: the notice, the message kept (not delivered yet), then delivered by the automatic retry.
    await page.route('**/api/chat', (route) => route.abort('connectionrefused'));
    const question = 'What are the opening hours of OMAC Torrellano?';
    await w(page).input.fill(question);
    await w(page).input.press('Enter');
    await notice.waitFor();
    expect(await notice.textContent()).toContain(en.widget.offline);
    expect(await page.locator('.cw-retry').textContent()).toBe(en.widget.retry);
    expect(await userMessages.last().textContent()).toContain(question);
    expect(await userMessages.last().getAttribute('class')).toContain('cw-pending');
    expect(await botMessages.count()).toBe(1);
    await page.unroute('**/api/chat');
    await botMessages.nth(1).waitFor({ timeout: 15_000 });
    expect(await botMessages.nth(1).textContent()).toContain(statusText(bot, 'elche-torrellano', 'en'));
    expect(await notice.count()).toBe(0);
    expect(await userMessages.last().getAttribute('class')).not.toContain('cw-pending');

    // Down again, and the page is left and come back to: the message is still there, and the retry button sends it.
    await page.route('**/api/chat', (route) => route.abort('connectionrefused'));
    await w(page).input.fill('Is the Oficina Única de Paiporta open?');
    await w(page).input.press('Enter');
    await notice.waitFor();
    await page.reload();
    await launcher.click();
    await notice.waitFor();
    expect(await userMessages.last().textContent()).toContain('Is the Oficina Única de Paiporta open?');
    expect(await userMessages.last().getAttribute('class')).toContain('cw-pending');
    await page.unroute('**/api/chat');
    await page.locator('.cw-retry').click();
    await botMessages.nth(2).waitFor();
    expect(await botMessages.nth(2).textContent()).toContain(bot.texts.t('en')('status.yes_limited', { ...officeNames(bot, 'paiporta-oficina-unica', 'en'), service: bot.knowledge.office('paiporta-oficina-unica')!.service.en }));
    expect(await notice.count()).toBe(0);

    expect(problems).toEqual([]);
    await context.close();
  });

  it('works embedded on another site listed in WIDGET_ORIGINS, in the language of its data-lang', async () => {
    const it_ = locale('it');
    const context = await browser.newContext({ locale: 'sv-SE' });
    const { page, problems } = await openPage(context, `${origin(council)}/servizi`);
    const { launcher, panel } = w(page);
    expect((await launcher.textContent())?.trim()).toBe(it_.widget.open);
    expect(await launcher.evaluate((node) => getComputedStyle(node).position)).toBe('fixed'); // widget.css loaded too
    await launcher.click();
    await panel.waitFor();
    expect(await panel.getAttribute('lang')).toBe('it');
    const answer = await ask(page, "L'OMAC di Torrellano è aperta?");
    expect(answer).toContain(bot.texts.t('it')('status.yes_reopened', { ...officeNames(bot, 'elche-torrellano', 'it'), modes: bot.texts.t('it')('mode.in_person') }));
    expect(problems).toEqual([]);

    // A site that is not listed gets no answer it can read.
    const other = await context.newPage();
    await other.goto(`${origin(stranger)}/`);
    const read = await other.evaluate(async (api) => {
      try {
        await (await fetch(`${api}/api/widget/i18n/it`)).json();
        return 'read';
      } catch {
        return 'blocked';
      }
    }, base);
    expect(read).toBe('blocked');
    await context.close();
  });

  it("keeps a council's own widget (data-org) on its organisation, and its labels follow the language the bot answers in", async () => {
    const es = locale('es');
    const en = locale('en');
    const context = await browser.newContext({ locale: 'en-GB' });
    const { page, problems, chatBodies } = await openPage(context, `${origin(paiporta)}/`);
    const { launcher, panel, input } = w(page);
    expect((await launcher.textContent())?.trim()).toBe(en.widget.open);
    await launcher.click();
    await panel.waitFor();
    expect(await input.getAttribute('placeholder')).toBe(en.widget.placeholder);
    const board = await ask(page, '¿Qué oficinas están abiertas?');
    expect(chatBodies[0]).toMatchObject({ org: 'paiporta' });
    expect(board).toContain(statusText(bot, 'paiporta-oficina-unica', 'es'));
    expect(board).not.toContain('Elche');
    expect(board).not.toContain('ATS');
    // No language picked: the widget now speaks Spanish, as the bot does.
    await page.waitForFunction(() => document.querySelector('.citizen-chat-widget')?.shadowRoot?.querySelector('.cw-panel')?.getAttribute('lang') === 'es');
    expect(await input.getAttribute('placeholder')).toBe(es.widget.placeholder);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('"Delete my data" asks first, then erases the conversation, its subscriptions and notices, on the server and in the browser', async () => {
    const es = locale('es');
    const context = await browser.newContext({ locale: 'es-ES' });
    const { page, problems, chatBodies } = await openPage(context);
    const { launcher, panel, botMessages } = w(page);
    const forget = page.locator('.cw-forget');
    await launcher.click();
    await panel.waitFor();
    expect(await forget.isHidden(), 'nothing to delete before the first answer').toBe(true);
    await ask(page, '¿Está abierta la OMAC de Torrellano?');
    const token = await page.evaluate((key) => JSON.parse(localStorage.getItem(key)!), `citizen-chat:${base}:session`);
    const id = webSessions(bot.config).verify(token)!;
    await bot.subscriptions.add('elche-torrellano', { channel: 'web', id }, 'es');
    await bot.stores.inbox.push(id, 'test-change', 'a notice waiting');
    const subscribed = async () => (await bot.subscriptions.subscribers('elche-torrellano')).some((s) => s.address.id === id);
    expect(await subscribed()).toBe(true);

    // Cancelled: nothing happens.
    expect(await forget.textContent()).toBe(es.widget.forget);
    await forget.click();
    const confirm = page.locator('.cw-confirm');
    expect(await confirm.locator('.cw-notice-text').textContent()).toBe(es.widget.forget_confirm);
    expect(await focused(page, '.cw-confirm-yes')).toBe(true);
    await confirm.locator('.cw-confirm-no').click();
    await confirm.waitFor({ state: 'detached' });
    expect(await subscribed()).toBe(true);
    expect(await page.locator('.cw-msg').count()).toBe(2);

    // Confirmed: erased on the server, and this browser keeps only the answer that says so.
    await forget.click();
    await page.locator('.cw-confirm-yes').click();
    await confirm.waitFor({ state: 'detached' });
    await expect.poll(() => page.locator('.cw-msg').count()).toBe(1);
    expect(await botMessages.first().textContent()).toContain(es.forget.done);
    expect(await subscribed()).toBe(false);
    expect(await bot.stores.inbox.count(id)).toBe(0);
    expect(await bot.stores.sessions.get(`web:${id}`)).toBeUndefined();
    expect(await page.evaluate((key) => localStorage.getItem(key), `citizen-chat:${base}:session`)).toBe('null');
    expect(await forget.isHidden()).toBe(true);
    const transcript = await page.evaluate((key) => JSON.parse(localStorage.getItem(key)!), `citizen-chat:${base}:transcript`);
    expect(JSON.stringify(transcript)).not.toContain('Torrellano');

    // A status change notifies no one there; the next message starts a new conversation.
    await bot.live.update('elche-torrellano', { status: 'limited' });
    await bot.notifier.drain();
    expect(await bot.stores.inbox.count(id)).toBe(0);
    await bot.live.update('elche-torrellano', { status: 'open' });
    await ask(page, 'hola');
    expect(chatBodies.at(-1)).not.toHaveProperty('sessionId');
    const fresh = await page.evaluate((key) => JSON.parse(localStorage.getItem(key)!), `citizen-chat:${base}:session`);
    expect(fresh).not.toBe(token);
    expect(problems).toEqual([]);
    await context.close();
  });
});
