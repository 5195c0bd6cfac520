import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, serveInChromium, watchProblems, type Served } from '../support/browser.js';
import { pino } from 'pino';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { ROOT } from '../../src/config.js';
import { buildApp } from '../../src/app/http.js';
import { startTelegram, type TelegramChannel } from '../../src/features/telegram/index.js';
import type { Lang } from '../../src/knowledge/schema.js';
import { FakeBotApi, type ApiCall } from '../support/fake-bot-api.js';
import { testConfig } from '../support/helpers.js';
import { officeNames } from '../support/texts.js';

// The staff console in a real Chromium, against the real app on a real port, Telegram on the local
// Bot API: a Paiporta editor changes the Oficina Única and the bot, its subscribers and the
// console's insights follow.

const ARTIFACTS = path.join(ROOT, 'test-results');
const ADMIN_TOKEN = 'console-test-admin-token-0123456789';
const OFFICE = 'paiporta-oficina-unica';
const EDITOR = { username: 'ana', password: 'paiporta-editor-2026', role: 'editor', orgs: ['paiporta'] };
const ADMIN = { username: 'root', password: 'the-first-admin-2026', role: 'admin', orgs: [] as string[] };
/** A viewer who chose Italian for the console. */
const VIEWER = { username: 'vera', password: 'paiporta-viewer-2026', role: 'viewer', orgs: ['paiporta'], lang: 'it' };
const NOTE_ES = 'Atención presencial con cita previa; traiga su DNI.';
/** Telegram subscribers of the Oficina Única, each writing in its language. */
const SUBSCRIBERS = [
  { chat: 7101, lang: 'sv', text: 'Meddela mig när Oficina Única i Paiporta öppnar igen' },
  { chat: 7102, lang: 'ca', text: "Avisa'm quan òbriga l'Oficina Única de Paiporta" },
] as const;

type Texts = Record<string, any>;
const consoleTexts = (lang: Lang): Texts => JSON.parse(fs.readFileSync(path.join(ROOT, 'locales', lang, 'console.json'), 'utf8'));
const es = consoleTexts('es');

let bot: ChatCore;
let app: FastifyInstance;
let telegram: TelegramChannel;
let botApi: FakeBotApi;
let base: string;
let browser: Browser;
let served: Served | undefined;

const json = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${base}${url}`, { method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json().catch(() => ({})) };
};
const asAdmin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const chat = async (text: string, lang?: Lang, org?: string) => {
  const res = await json('POST', '/api/chat', { text, ...(lang ? { lang } : {}), ...(org ? { org } : {}) });
  expect(res.status, text).toBe(200);
  return res.body as { reply: { text: string }; nlu: { intent: string; lang: string; entities: Record<string, string> } };
};

/** A run of chats to chart: several languages, topics and offices, some on Paiporta's own site (org), a few the bot cannot place. */
const SEEDED: [string, Lang, string?][] = [
  ['¿Está abierta la OMAC de Torrellano?', 'es'],
  ['¿Cómo pido el certificado de empadronamiento?', 'es'],
  ['¿Qué tiempo hará mañana?', 'es', 'paiporta'],
  ['¿Cómo pido el certificado de empadronamiento?', 'es', 'paiporta'],
  ["Està oberta l'Oficina Única de Paiporta?", 'ca'],
  ['Com demane cita prèvia?', 'ca', 'paiporta'],
  ['Conta-me un acudit de pingüins', 'ca', 'paiporta'],
  ['Qual è il numero del centralino di Varese?', 'it'],
  ['Come prenoto un tampone?', 'it'],
  ['Är OMAC El Altet öppet?', 'sv'],
  ['Hur får jag ett folkbokföringsintyg?', 'sv', 'paiporta'],
  ['Is the Altabix office open?', 'en'],
  ['Tell me a joke about penguins', 'en', 'paiporta'],
];

beforeAll(async () => {
  botApi = new FakeBotApi();
  await botApi.start();
  bot = await assemble(testConfig({ ADMIN_TOKEN, TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_API_ROOT: botApi.url }));
  app = buildApp({ bot, adminToken: ADMIN_TOKEN });
  telegram = await startTelegram(bot, bot.config, app, pino({ level: 'silent' }));
  served = await serveInChromium(app);
  ({ base, browser } = served);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await telegram?.stop();
  await served?.close();
  await bot?.close();
  await botApi?.close();
});

/** A page that records what should never happen: script errors and CSP refusals. */
async function openConsole(context: BrowserContext, url = `${base}/staff`) {
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(url);
  await page.locator('main h1').waitFor();
  return { page, problems };
}

const noHorizontalScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

async function logIn(page: Page, who: { username: string; password: string }) {
  // By keyboard only: focus the username, type, Tab to the password, Enter.
  await page.locator('#login-username').focus();
  await page.keyboard.type(who.username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(who.password);
  await page.keyboard.press('Enter');
  // The menu is there (folded away on a phone).
  await page.locator('nav[aria-label] a[aria-current="page"]').waitFor({ state: 'attached' });
}

describe('the staff console', () => {
  it('has its accounts created with ADMIN_TOKEN, subscribers on Telegram and a seeded run of chats', async () => {
    for (const account of [EDITOR, ADMIN, VIEWER]) {
      const res = await json('POST', '/api/admin/staff', account, asAdmin);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    for (const s of SUBSCRIBERS) {
      botApi.message(s.chat, s.text, s.lang);
      const [reply] = await botApi.waitFor((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === s.chat && c.status === 200);
      expect(String(reply.payload.text), s.lang).toBe(bot.texts.t(s.lang)('subscribe.done', officeNames(bot, OFFICE, s.lang)));
    }
    expect(await bot.subscriptions.subscribers(OFFICE)).toHaveLength(SUBSCRIBERS.length);
    for (const [text, lang, org] of SEEDED) await chat(text, lang, org);
    await bot.stats.flush();
  });

  it('a Paiporta editor logs in, sees only Paiporta and opens the Oficina Única with a Spanish note, seen in every language before it is saved', async () => {
    const context = await browser.newContext({ locale: 'es-ES', timezoneId: 'Europe/Madrid', viewport: { width: 1280, height: 900 } });
    const { page, problems } = await openConsole(context);
    await page.waitForURL(`${base}/staff/login`);
    expect(await page.locator('html').getAttribute('lang')).toBe('es');
    expect(await page.locator('main h1').textContent()).toBe(es.login.title);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-login-1280.png') });

    // A wrong password: the same page says so, and nothing else happens.
    await page.locator('#login-username').fill(EDITOR.username);
    await page.locator('#login-password').fill('not-the-password-at-all');
    await page.locator('#login-password').press('Enter');
    await page.getByRole('alert').filter({ hasText: es.login.wrong }).waitFor();

    await page.locator('#login-username').fill('');
    await logIn(page, EDITOR);
    await page.waitForURL(`${base}/staff/board`);
    expect(await page.locator('main h1').textContent()).toBe(es.board.title);

    // Only the editor's organisation: the Oficina Única, no Elche office.
    const shown = await page.locator('[data-office]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-office')));
    expect(shown).toEqual([OFFICE]);
    expect(await page.locator('main').textContent()).not.toMatch(/OMAC|Elche|Insubria/);
    expect(await axeViolations(page)).toEqual([]);
    // Nor can the session change one: the server refuses it, with the session's own CSRF token.
    const elche = await page.evaluate(async () => {
      const { csrfToken } = await (await fetch('/api/staff/session')).json();
      const res = await fetch('/api/admin/offices/elche-el-altet', { method: 'PATCH', headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken }, body: JSON.stringify({ status: 'open' }) });
      return res.status;
    });
    expect(elche).toBe(403);
    expect(bot.knowledge.office('elche-el-altet')!.status).toBe('reopening');

    // One row per office; a click opens its change.
    await page.locator(`[data-office="${OFFICE}"] .row-open`).click();
    const editor = page.locator(`[data-editor="${OFFICE}"]`);
    await editor.waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('editor-title');
    // Status and a note in Spanish only (the other languages will show it, marked as Spanish); then the preview.
    await editor.getByLabel(es.status.open).check();
    await editor.locator(`#note-${OFFICE}-es`).fill(NOTE_ES);
    await editor.getByRole('button', { name: es.board.review }).focus();
    await page.keyboard.press('Enter');
    const preview = page.locator(`[data-preview="${OFFICE}"]`);
    await preview.waitFor();
    expect(await preview.locator('.audience').textContent()).toBe(es.preview.audience.replace('{{count}}', String(SUBSCRIBERS.length)).replace('{{channels}}', `${SUBSCRIBERS.length} en Telegram`));
    expect(await preview.locator('[data-lang="ca"] .said').textContent()).toContain(`(en castellà): ${NOTE_ES}`);
    expect(bot.knowledge.office(OFFICE)!.status).toBe('limited'); // nothing saved before the confirmation
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: es.preview.confirmTell.replace('{{count}}', String(SUBSCRIBERS.length)) }).click();
    const saved = page.locator('.last-change .notice-slot.ok');
    await saved.waitFor();
    expect(await saved.textContent()).toContain(es.status.open);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-board-1280.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the bot answers in Valencian and Swedish at once, with the Spanish note marked as such', async () => {
    const office = bot.knowledge.office(OFFICE)!;
    expect(office.status).toBe('open');
    expect(office.notes.es).toBe(NOTE_ES);
    for (const [text, lang] of [
      ["Està oberta l'Oficina Única de Paiporta?", 'ca'],
      ['Är Oficina Única i Paiporta öppen?', 'sv'],
    ] as const) {
      const { reply, nlu } = await chat(text, lang);
      expect(nlu.entities.office, text).toBe(OFFICE);
      // The Spanish note (Paiporta's language), said to be in Spanish.
      const t = bot.texts.t(lang);
      expect(reply.text, lang).toContain(t('status.note_in', { language: t('note_language.es'), note: NOTE_ES }));
      // "Is it open?": yes first.
      expect(reply.text, lang).toContain(bot.texts.t(lang)('status.yes_open', officeNames(bot, OFFICE, lang)).slice(0, 12));
    }
  });

  it('each Telegram subscriber gets one notice, in its language', async () => {
    for (const s of SUBSCRIBERS) {
      const head = bot.texts.t(s.lang)('notify.changed', { office: bot.knowledge.office(OFFICE)!.name[s.lang] });
      await botApi.waitFor((c) => isNotice(c, s.chat, head), 1, 15_000);
    }
    await new Promise((r) => setTimeout(r, 1500)); // nothing more trickles in
    for (const s of SUBSCRIBERS) {
      const head = bot.texts.t(s.lang)('notify.changed', { office: bot.knowledge.office(OFFICE)!.name[s.lang] });
      expect(botApi.sent(s.chat).filter((c) => String(c.payload.text).startsWith(head)), s.lang).toHaveLength(1);
    }
  });
  it('the editor sends an announcement to all of Paiporta: each subscriber gets it once, and the list counts them', async () => {
    const text = 'El 24 de diciembre la Oficina Única cierra a las 14:00.';
    const before = Object.fromEntries(SUBSCRIBERS.map((s) => [s.chat, botApi.sent(s.chat).length]));
    const context = await browser.newContext({ locale: 'es-ES', viewport: { width: 1280, height: 900 } });
    const { page, problems } = await openConsole(context, `${base}/staff/announcements`);
    await logIn(page, EDITOR);
    await page.waitForURL(`${base}/staff/announcements`); // the page asked for before logging in
    await page.locator('#announce-to').selectOption('org:paiporta');
    await page.locator('#announce-es').fill(text);
    await page.getByRole('button', { name: es.announcements.review }).click();
    await page.locator('[data-preview="announcement"] [data-lang="sv"]').filter({ hasText: text }).waitFor();
    await page.getByRole('button', { name: es.preview.sendTo.replace('{{count}}', String(SUBSCRIBERS.length)) }).click();
    await page.locator('.notice-slot.ok').filter({ hasText: String(SUBSCRIBERS.length) }).waitFor();
    for (const s of SUBSCRIBERS) await botApi.waitFor((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === s.chat && c.status === 200 && String(c.payload.text).includes(text), 1, 15_000);
    await new Promise((r) => setTimeout(r, 1500));
    for (const s of SUBSCRIBERS) {
      const got = botApi.sent(s.chat).slice(before[s.chat]);
      expect(got, s.lang).toHaveLength(1);
      expect(String(got[0].payload.text), s.lang).toContain(text);
    }
    // The list polls until every delivery is counted.
    const reached = es.announcements.delivered.replace('{{reached}}', String(SUBSCRIBERS.length)).replace('{{recipients}}', String(SUBSCRIBERS.length));
    const latest = page.locator('.entries > li').first();
    await latest.filter({ hasText: reached }).waitFor({ timeout: 15_000 });
    expect(await latest.textContent()).toContain(EDITOR.username);
    expect(await latest.textContent()).toContain(text);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-announcements-1280.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it("opens the insights on Paiporta's today: what is asked most and what was not understood; the week's charts drawn, with tables and CSV", async () => {
    const context = await browser.newContext({ locale: 'es-ES', timezoneId: 'Europe/Madrid', viewport: { width: 1280, height: 900 } });
    const { page, problems } = await openConsole(context);
    await logIn(page, EDITOR);
    await page.getByRole('link', { name: es.nav.insights }).click();
    await page.locator('[data-chart="asked"]').waitFor();
    await page.waitForURL(`${base}/staff/insights`);
    // The page heading took the focus (a screen reader hears the new page).
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');

    // Today is Paiporta's (Europe/Madrid), whatever the day in UTC.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Madrid' }).format(new Date());
    const ofDays = (from: string) => page.evaluate(async ([f, t]) => (await fetch(`/api/admin/stats?org=paiporta&from=${f}&to=${t}`)).json(), [from, today]);
    const todays = (await ofDays(today)) as { total: number; asked: Record<string, number>; intents: Record<string, number> };
    expect(todays.total).toBeGreaterThan(0);
    expect(await page.locator('.summary').textContent()).toBe(
      es.insights.summaryToday
        .replace('{{total}}', String(todays.total))
        .replace('{{missed}}', String(todays.intents.out_of_scope ?? 0))
        .replace('{{share}}', new Intl.NumberFormat('es', { style: 'percent', maximumFractionDigits: 1 }).format((todays.intents.out_of_scope ?? 0) / todays.total)),
    );
    // The most asked, grouped by topic and what it was about: the API's counts, in words.
    const about = (id: string) => (id ? (bot.knowledge.office(id)?.name.es ?? es.certificates[id]) : '');
    const asked = await page.locator('[data-chart="asked"] tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    const expected = Object.entries(todays.asked)
      .sort((a, b) => b[1] - a[1])
      .map(([key, n]) => [es.intents[key.split('|')[0]], about(key.split('|')[1]), String(n)]);
    expect(asked).toEqual(expected);
    expect(asked).toContainEqual([es.intents.certificate_request, es.certificates.padron, expect.any(String)]);
    // "Out of scope" is no topic: it is the share not understood, and the list of what was not understood.
    expect(asked.map((r) => r[0])).not.toContain(es.intents.out_of_scope);
    const unanswered = await page.locator('[data-chart="unanswered"] tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(unanswered).toContainEqual(['¿qué tiempo hará mañana?', '1']);
    expect(await page.locator('[data-chart="unanswered"] a[download]').getAttribute('href')).toMatch(/^blob:/);

    await page.getByRole('button', { name: es.insights.week }).click();
    await page.locator('[data-chart="not-understood"] canvas').waitFor();
    const week = new Date(Date.parse(`${today}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
    const paiporta = (await ofDays(week)) as { total: number; langs: Record<string, number> };
    expect(paiporta.total).toBeGreaterThanOrEqual(todays.total);
    expect(await page.locator('.summary').textContent()).toContain(String(paiporta.total));

    for (const id of ['by-intent', 'by-language', 'by-channel', 'not-understood', 'offices']) {
      const panel = page.locator(`[data-chart="${id}"]`);
      // Drawn: the canvas has painted pixels.
      const painted = await panel.locator('canvas').evaluate((c: HTMLCanvasElement) => {
        const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
        return n;
      });
      expect(painted, id).toBeGreaterThan(500);
      expect(await panel.locator('table tbody tr').count(), id).toBeGreaterThan(0);
      const href = await panel.locator('a[download]').getAttribute('href');
      expect(href, id).toMatch(/^blob:/);
    }
    // The table by language holds the figures the API gives.
    const rows = await page.locator('[data-chart="by-language"] tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th')!.textContent, tr.querySelector('td')!.textContent]));
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(Object.entries(paiporta.langs).map(([l, n]) => [es.languages[l], String(n)])));
    // The CSV download is the same table.
    const download = page.waitForEvent('download');
    await page.locator('[data-chart="by-language"] a[download]').click();
    const csv = fs.readFileSync((await (await download).path())!, 'utf8');
    expect(csv.replace(/^\ufeff/, '').split('\r\n')[0]).toBe(`${es.chart.language},${es.chart.questions}`);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-insights-1280.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('every page passes axe and fits 360 px without horizontal scrolling; the language is switchable', async () => {
    const context = await browser.newContext({ locale: 'sv-SE', viewport: { width: 360, height: 780 } });
    const { page, problems } = await openConsole(context);
    expect(await page.locator('html').getAttribute('lang')).toBe('sv'); // the browser's language before login
    expect(await noHorizontalScroll(page)).toBe(true);
    // The first Tab reaches the skip link, which takes the keyboard past the header.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await logIn(page, ADMIN);
    for (const name of ['board', 'announcements', 'insights', 'audit', 'review', 'accounts']) {
      await page.goto(`${base}/staff/${name}`);
      await page.locator('main h1').waitFor();
      await page.locator('.loading').waitFor({ state: 'detached' });
      expect(await page.locator('main h1').textContent(), name).toBe(consoleTexts('sv')[name === 'accounts' ? 'accounts' : name].title);
      expect(await noHorizontalScroll(page), name).toBe(true);
      expect(await axeViolations(page), name).toEqual([]);
      await page.screenshot({ path: path.join(ARTIFACTS, `console-${name}-360.png`) });
      await page.screenshot({ path: path.join(ARTIFACTS, `console-${name}-360-full.png`), fullPage: true });
    }
    // The audit names who changed what.
    await page.goto(`${base}/staff/audit`);
    const latest = page.locator('.entries > li').first();
    await latest.waitFor();
    const sv = consoleTexts('sv');
    expect(await latest.textContent()).toContain(EDITOR.username);
    expect(await latest.textContent()).toContain(sv.audit.status.replace('{{from}}', sv.status.limited).replace('{{to}}', sv.status.open));
    // Switched to Valencian (in the menu, folded away on a phone): the page follows, and keeps it on the next visit.
    await page.getByRole('button', { name: sv.nav.menu }).click();
    await page.locator('header select').selectOption('ca');
    await page.locator('main h1').filter({ hasText: consoleTexts('ca').audit.title }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('ca');
    await page.reload();
    await page.locator('main h1').filter({ hasText: consoleTexts('ca').audit.title }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('a viewer', () => {
  it("gets the console in the account's language, the board without its form, and no editing pages", async () => {
    const context = await browser.newContext({ locale: 'sv-SE', viewport: { width: 1280, height: 900 } });
    const { page, problems } = await openConsole(context);
    expect(await page.locator('html').getAttribute('lang')).toBe('sv');
    await logIn(page, VIEWER);
    const it_ = consoleTexts('it');
    await page.locator('main h1').filter({ hasText: it_.board.title }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('it');
    // The scam list is read-only for a viewer (who may be asked about a number on the phone): no form there either.
    expect(await page.locator('nav a').allTextContents()).toEqual([it_.nav.board, it_.nav.insights, it_.nav.scams]);
    await page.locator(`[data-office="${OFFICE}"]`).waitFor();
    // A row to open, with nothing to pick; opened, what the bot says of it, without a form.
    expect(await page.locator(`[data-office="${OFFICE}"] input[type="checkbox"]`).count()).toBe(0);
    await page.locator(`[data-office="${OFFICE}"] .row-open`).click();
    await page.locator(`section[data-office="${OFFICE}"] .subscribers`).waitFor();
    expect(await page.locator('main form').count()).toBe(0);
    expect(await page.locator(`section[data-office="${OFFICE}"] .subscribers`).textContent()).toBe(it_.board.subscribersNow.replace('{{count}}', String(SUBSCRIBERS.length)));
    // A page the role does not have falls back to its first one.
    await page.goto(`${base}/staff/accounts`);
    await page.locator('main h1').filter({ hasText: it_.board.title }).waitFor();
    await page.waitForURL(`${base}/staff/board`);
    expect(await axeViolations(page)).toEqual([]);
    // Logging out ends the session: the API refuses it from then on.
    await page.getByRole('button', { name: it_.session.logout }).click();
    await page.locator('main h1').filter({ hasText: it_.login.title }).waitFor();
    expect(await page.evaluate(async () => (await fetch('/api/admin/offices')).status)).toBe(401);

    // Removed while logged in: the next page the viewer opens goes back to the login page, saying why.
    await logIn(page, VIEWER);
    expect((await json('DELETE', `/api/admin/staff/${VIEWER.username}`, undefined, asAdmin)).status).toBe(204);
    // The board's own load after the login may meet the 401 first and put the login page in place of the menu, so the
    // link is clicked only if it is still there, in the page and at once (it cannot detach mid-click); either way the
    // session ends on the login page.
    await page.evaluate((name) => [...document.querySelectorAll<HTMLAnchorElement>('nav a')].find((a) => a.textContent === name)?.click(), it_.nav.insights);
    // Asked to log in again over the page; the account is gone, so the officer goes to the login page, told why.
    const dialog = page.getByRole('dialog', { name: it_.session.endedTitle });
    await dialog.waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: it_.session.toLoginPage }).click();
    await page.getByRole('alert').filter({ hasText: it_.session.expired }).waitFor();
    expect(await page.locator('main h1').textContent()).toBe(it_.login.title);
    expect(problems).toEqual([]);
    await context.close();
  });
});

const isNotice = (c: ApiCall, chatId: number, head: string) => c.method === 'sendMessage' && Number(c.payload.chat_id) === chatId && c.status === 200 && String(c.payload.text).startsWith(head);
