import fs from 'node:fs';
import { intlLocale } from '../../src/shared/languages.js';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { pino } from 'pino';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { ROOT } from '../../src/config.js';
import { buildApp } from '../../src/app/http.js';
import { startTelegram, type TelegramChannel } from '../../src/features/telegram/index.js';
import type { Lang } from '../../src/knowledge/schema.js';
import { axeViolations, serveInChromium, touchTargets, watchProblems, type Served } from '../support/browser.js';
import { FakeBotApi } from '../support/fake-bot-api.js';
import { testConfig } from '../support/helpers.js';

// The usability test's tasks 1-3, scripted: a communications officer of Elche on a phone (390×844,
// touch) opens El Altet with a note, sets it back to "reopening soon" with a date (the old note
// goes), undoes that, and sends an announcement in two languages. What citizens will read is shown
// before anything is saved; subscribers on Telegram and on the web chat get what was shown.

const ARTIFACTS = path.join(ROOT, 'test-results');
const ADMIN_TOKEN = 'phone-console-admin-token-0123456789';
const ALTET = 'elche-el-altet';
const OFFICER = { username: 'lucia', password: 'comunicacion-elche-2026', role: 'editor', orgs: ['elche'] };
const NOTE = 'Reabierta a las 9:00 tras las actualizaciones de seguridad.';
/** Subscribers of El Altet: two on Telegram (Spanish, Valencian), one on the web chat (Swedish). */
const TELEGRAM = [
  { chat: 8101, lang: 'es', text: 'Avísame cuando abra la OMAC de El Altet' },
  { chat: 8102, lang: 'ca', text: "Avisa'm quan òbriga l'OMAC de l'Altet" },
] as const;
const es = JSON.parse(fs.readFileSync(path.join(ROOT, 'locales', 'es', 'console.json'), 'utf8'));
const fill = (text: string, values: Record<string, string | number>) => text.replace(/\{\{(\w+)\}\}/g, (_, k) => String(values[k]));

let bot: ChatCore;
let app: FastifyInstance;
let telegram: TelegramChannel;
let botApi: FakeBotApi;
let served: Served | undefined;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let webSession: string;
let problems: string[] = [];

const chat = async (text: string, lang?: Lang, sessionId?: string) => {
  const res = await fetch(`${base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text, ...(lang ? { lang } : {}), ...(sessionId ? { sessionId } : {}) }) });
  expect(res.status, text).toBe(200);
  return (await res.json()) as { sessionId: string; reply: { text: string } };
};
const webNotices = async (): Promise<string[]> => (await (await fetch(`${base}/api/chat/${webSession}/notifications`)).json()).notifications;
const telegramSince = (chatId: number, from: number) => botApi.sent(chatId).slice(from).map((c) => String(c.payload.text));

beforeAll(async () => {
  botApi = new FakeBotApi();
  await botApi.start();
  bot = await assemble(testConfig({ ADMIN_TOKEN, TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_API_ROOT: botApi.url }));
  app = buildApp({ bot, adminToken: ADMIN_TOKEN });
  telegram = await startTelegram(bot, bot.config, app, pino({ level: 'silent' }));
  served = await serveInChromium(app);
  ({ base, browser } = served);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const res = await fetch(`${base}/api/admin/staff`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` }, body: JSON.stringify(OFFICER) });
  expect(res.status).toBe(201);
  for (const s of TELEGRAM) {
    botApi.message(s.chat, s.text, s.lang);
    await botApi.waitFor((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === s.chat && c.status === 200);
  }
  webSession = (await chat('Meddela mig när OMAC El Altet öppnar igen', 'sv')).sessionId;
  expect(await bot.subscriptions.subscribers(ALTET)).toHaveLength(3);
  context = await browser.newContext({ locale: 'es-ES', timezoneId: 'Europe/Madrid', viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  page = await context.newPage();
  problems = watchProblems(page);
}, 120_000);

afterAll(async () => {
  await context?.close();
  await telegram?.stop();
  await served?.close();
  await bot?.close();
  await botApi?.close();
});

/** Taps made since the login: the usability test counted them. */
let taps = 0;
async function tap(target: Locator): Promise<void> {
  await target.scrollIntoViewIfNeeded();
  await target.tap();
  taps++;
}

/** The checks of every screen: no horizontal scrolling, touch targets of 44 px or more, axe, a screenshot. */
async function screen(name: string): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${name}: no horizontal scrolling`).toBe(true);
  const targets = await touchTargets(page);
  expect(targets.length, name).toBeGreaterThan(0);
  expect(targets.filter((t) => t.height < 44), `${name}: touch targets under 44 px`).toEqual([]);
  expect(await axeViolations(page), name).toEqual([]);
  await page.screenshot({ path: path.join(ARTIFACTS, `phone-${name}.png`) });
  measured.push([name, targets.length, Math.min(...targets.map((t) => t.height))]);
}
const measured: [string, number, number][] = [];

describe('a communications officer on a phone (390×844, touch)', () => {
  it('logs in', async () => {
    await page.goto(`${base}/staff`);
    await page.locator('#login-username').fill(OFFICER.username);
    await page.locator('#login-password').fill(OFFICER.password);
    await page.locator('#login-password').press('Enter');
    await page.locator(`[data-office="${ALTET}"]`).waitFor();
    await screen('board');
    // Found by search too, and by status.
    await page.locator('#office-search').fill('altet');
    expect(await page.locator('[data-office]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-office')))).toEqual([ALTET]);
    await page.locator('#office-search').fill('');
    await page.locator('#office-filter').selectOption('open');
    expect(await page.locator(`[data-office="${ALTET}"]`).count()).toBe(0);
    await page.locator('#office-filter').selectOption('');
  });

  it('task 1: opens El Altet with a note in 5 taps, having seen what each language will read', async () => {
    taps = 0;
    const started = Date.now();
    const before = TELEGRAM.map((s) => botApi.sent(s.chat).length);
    await tap(page.locator(`[data-office="${ALTET}"] .row-open`));
    await screen('editor');
    await tap(page.locator('[data-editor] label.choice', { hasText: es.status.open }));
    await tap(page.locator(`#note-${ALTET}-es`));
    await page.keyboard.type(NOTE);
    // The action is in view without scrolling past the form.
    const action = page.getByRole('button', { name: es.board.review });
    expect(await action.evaluate((b) => b.getBoundingClientRect().bottom <= window.innerHeight)).toBe(true);
    await screen('editor-filled');
    await tap(action);

    const preview = page.locator('[data-preview]');
    await preview.waitFor();
    // Nothing saved yet.
    expect(bot.knowledge.office(ALTET)!.status).toBe('reopening');
    expect(await preview.locator('.audience').textContent()).toBe(fill(es.preview.audience, { count: 3, channels: `2 en Telegram y 1 en Chat web` }));
    const shown = Object.fromEntries(await preview.locator('[data-lang]').evaluateAll((blocks) => blocks.map((b) => [b.getAttribute('data-lang'), b.querySelector('.said')!.textContent])));
    expect(Object.keys(shown).sort()).toEqual([...bot.texts.langs].sort());
    await screen('preview');
    await tap(page.getByRole('button', { name: fill(es.preview.confirmTell, { count: 3 }) }));
    await page.getByRole('button', { name: es.board.undo }).waitFor();
    expect(taps).toBeLessThanOrEqual(5);
    console.log(`task 1: ${taps} taps, ${Date.now() - started} ms (typing the note included)`);
    await screen('saved');

    // What was shown is what the bot now answers, in every language: its first lines, before the time of
    // the change (asked how the office stands: a yes/no question would get "yes" before them).
    expect(bot.knowledge.office(ALTET)!.status).toBe('open');
    for (const [lang, question] of [
      ['es', 'Estado de la OMAC de El Altet'],
      ['ca', "Estat de l'OMAC de l'Altet"],
      ['it', "Stato dell'ufficio OMAC di El Altet"],
      ['sv', 'Läget för OMAC El Altet'],
      ['en', 'Status of the El Altet office'],
    ] as const) {
      const answer = (await chat(question, lang)).reply.text.split('\n')[0];
      expect(shown[lang], lang).toContain(answer);
    }
    expect(shown.es).toContain(NOTE);
    // Subscribers get what was shown: once each, on Telegram and in the web chat.
    for (const [i, s] of TELEGRAM.entries()) {
      await botApi.waitFor((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === s.chat && String(c.payload.text).includes(NOTE), 1, 15_000);
      const got = telegramSince(s.chat, before[i]);
      expect(got, s.lang).toHaveLength(1);
      expect(shown[s.lang], s.lang).toContain(got[0].split('\n').slice(0, 2).join('\n'));
    }
    const web = await webNotices();
    expect(web).toHaveLength(1);
    expect(shown.sv).toContain(web[0].split('\n')[0]);
  });

  it('task 2: back to "reopening soon" with a date; the old note is not sent; undo brings back the opening', async () => {
    taps = 0;
    const before = TELEGRAM.map((s) => botApi.sent(s.chat).length);
    await tap(page.getByRole('button', { name: es.board.dismiss }));
    await tap(page.locator(`[data-office="${ALTET}"] .row-open`));
    await tap(page.locator('[data-editor] label.choice', { hasText: es.status.reopening }));
    // The note of the opening goes with it: the form says so, and offers to keep it.
    await page.locator('.dropped').filter({ hasText: NOTE }).waitFor();
    expect(await page.locator(`#note-${ALTET}-es`).inputValue()).toBe('');
    await page.getByRole('button', { name: es.board.keepNote }).waitFor();
    await tap(page.locator(`#date-${ALTET}`));
    await page.locator(`#date-${ALTET}`).fill('2026-12-15T09:00');
    await screen('editor-reopening');
    await tap(page.getByRole('button', { name: es.board.review }));
    const preview = page.locator('[data-preview]');
    await preview.waitFor();
    await preview.locator('.hint', { hasText: es.preview.noteCleared }).waitFor();
    const shown = Object.fromEntries(await preview.locator('[data-lang]').evaluateAll((blocks) => blocks.map((b) => [b.getAttribute('data-lang'), b.querySelector('.said')!.textContent!])));
    for (const [lang, text] of Object.entries(shown)) {
      expect(text, lang).not.toContain('Reabierta');
      // The date in the language's own format.
      expect(text, lang).toContain(new Intl.DateTimeFormat(intlLocale(lang), { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/Madrid' }).format(new Date('2026-12-15T09:00:00+01:00')));
    }
    await screen('preview-reopening');
    await tap(page.getByRole('button', { name: fill(es.preview.confirmTell, { count: 3 }) }));
    await page.getByRole('button', { name: es.board.undo }).waitFor();
    expect(bot.knowledge.office(ALTET)!.status).toBe('reopening');
    for (const [i, s] of TELEGRAM.entries()) {
      await botApi.waitFor((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === s.chat && c.status === 200, before[i] + 1, 15_000);
      const got = telegramSince(s.chat, before[i]);
      expect(got, s.lang).toHaveLength(1);
      expect(got[0], s.lang).not.toContain('Reabierta');
    }
    const web = await webNotices();
    expect(web).toHaveLength(1);
    expect(web[0]).not.toContain('Reabierta');

    // Undo: the opening with its note is back; those told get a correction.
    await tap(page.getByRole('button', { name: es.board.undo }));
    await page.locator('.last-change .notice-slot.ok', { hasText: es.board.undone.split(' ')[0] }).waitFor();
    expect(bot.knowledge.office(ALTET)!.status).toBe('open');
    expect(bot.knowledge.office(ALTET)!.notes.es).toBe(NOTE);
    // The board reloads after the undo's notice shows: wait for its refreshed badge.
    await expect.poll(() => page.locator(`[data-office="${ALTET}"] .badge`).textContent()).toBe(es.status.open);
    await screen('undone');
    for (const [i, s] of TELEGRAM.entries()) {
      await botApi.waitFor((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === s.chat && c.status === 200, before[i] + 2, 15_000);
      const correction = telegramSince(s.chat, before[i])[1];
      expect(correction, s.lang).toMatch(s.lang === 'es' ? /^Corrección sobre / : /^Correcció sobre /);
      expect(correction, s.lang).toContain(NOTE);
    }
    const corrected = await webNotices();
    expect(corrected).toHaveLength(1);
    expect(corrected[0]).toMatch(/^Rättelse om /);
    const { entries } = await (await fetch(`${base}/api/admin/audit`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json();
    expect(entries.at(-1)).toMatchObject({ office: ALTET, actor: OFFICER.username, undoes: entries.at(-2).change });
  });

  it('task 3: an announcement in two languages, seen before it is sent, with whom it reaches', async () => {
    const before = TELEGRAM.map((s) => botApi.sent(s.chat).length);
    const ES = 'Mañana las OMAC de Elche abren a las 10:00.';
    const EN = 'Tomorrow the Elche OMAC offices open at 10:00.';
    // The menu is folded away on a phone: one tap opens it.
    await tap(page.getByRole('button', { name: es.nav.menu }));
    await screen('menu');
    await tap(page.getByRole('link', { name: es.nav.announcements }));
    await page.locator('#announce-to').waitFor();
    await page.locator('#announce-to').selectOption('org:elche');
    await tap(page.locator('#announce-es'));
    await page.keyboard.type(ES);
    await tap(page.getByRole('group', { name: es.announcements.message }).locator('.other-langs summary'));
    await tap(page.locator('#announce-en'));
    await page.keyboard.type(EN);
    await screen('announcement');
    await tap(page.getByRole('button', { name: es.announcements.review }));
    const preview = page.locator('[data-preview="announcement"]');
    await preview.waitFor();
    expect(await preview.locator('.audience').textContent()).toBe(fill(es.preview.audience, { count: 3, channels: '2 en Telegram y 1 en Chat web' }));
    expect(await preview.locator('[data-lang="es"] .said').textContent()).toContain(ES);
    expect(await preview.locator('[data-lang="en"] .said').textContent()).toContain(EN);
    expect(await preview.locator('[data-lang="ca"] .said').textContent()).toContain(`${ES}`);
    expect(await bot.stores.staff.announcements.list()).toHaveLength(0);
    await screen('announcement-preview');
    await tap(page.getByRole('button', { name: fill(es.preview.sendTo, { count: 3 }) }));
    const sent = page.locator('[data-announcement]').first();
    await sent.waitFor();
    // The list shows every language it was written in.
    expect(await sent.locator('dd[lang="es"]').textContent()).toBe(ES);
    expect(await sent.locator('dd[lang="en"]').textContent()).toBe(EN);
    await sent.filter({ hasText: fill(es.announcements.delivered, { reached: 3, recipients: 3 }) }).waitFor({ timeout: 15_000 });
    for (const [i, s] of TELEGRAM.entries()) {
      await botApi.waitFor((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === s.chat && String(c.payload.text).includes(ES), 1, 15_000);
      expect(telegramSince(s.chat, before[i]), s.lang).toHaveLength(1);
    }
    expect((await webNotices())[0]).toContain(ES);
    await screen('announcement-sent');
  });

  it('several offices at once: one form, each office its own change (and notice), undone together', async () => {
    const picked = ['elche-centro', 'elche-torrellano'];
    await page.goto(`${base}/staff/board`);
    const entries = (await bot.live.auditLog()).length;
    for (const id of picked) await tap(page.locator(`[data-office="${id}"] label.pick`));
    await tap(page.getByRole('button', { name: fill(es.board.changeTogether, { count: 2 }) }));
    await page.locator('[data-editor="several"]').waitFor();
    await tap(page.locator('[data-editor] label.choice', { hasText: es.status.closed }));
    await tap(page.getByRole('button', { name: es.board.review }));
    const preview = page.locator('[data-preview="several"]');
    await preview.waitFor();
    expect(await preview.locator('[data-office]').evaluateAll((items) => items.map((i) => i.getAttribute('data-office')))).toEqual(picked);
    expect(await preview.locator('.audience').allTextContents()).toEqual([es.preview.nobody, es.preview.nobody]);
    await screen('preview-several');
    await tap(page.getByRole('button', { name: es.preview.confirm, exact: true }));
    await page.getByRole('button', { name: es.board.undo }).waitFor();
    for (const id of picked) expect(bot.knowledge.office(id)!.status, id).toBe('closed');
    expect((await bot.live.auditLog()).slice(entries).map((e) => e.office)).toEqual(picked);
    await tap(page.getByRole('button', { name: es.board.undo }));
    await page.locator('.last-change .notice-slot.ok', { hasText: es.board.undone.split(' ')[0] }).waitFor();
    for (const id of picked) expect(bot.knowledge.office(id)!.status, id).toBe('open');
    await tap(page.getByRole('button', { name: es.board.dismiss }));
  });

  it('a session that ends while a note is being written: log in again over the page, the note is kept and saved', async () => {
    await page.goto(`${base}/staff/board`);
    await tap(page.locator(`[data-office="${ALTET}"] .row-open`));
    const typed = 'Atención solo con cita previa hasta el viernes.';
    await page.locator(`#note-${ALTET}-es`).fill(typed);
    // The session ends elsewhere (logged out in another tab, or after its hours).
    expect(await page.evaluate(async () => {
      const { csrfToken } = await (await fetch('/api/staff/session')).json();
      return (await fetch('/api/staff/session', { method: 'DELETE', headers: { 'x-csrf-token': csrfToken } })).status;
    })).toBe(204);
    await tap(page.getByRole('button', { name: es.board.review }));
    const dialog = page.getByRole('dialog', { name: es.session.endedTitle });
    await dialog.waitFor();
    // In the console's language, no developer's message; the page behind still holds the note.
    expect(await page.locator('[data-editor] .notice-slot.error').textContent()).toBe(es.session.endedKept);
    expect(await page.locator('body').textContent()).not.toContain('Bearer');
    await screen('session-ended');
    expect(await dialog.locator('#relogin-username').inputValue()).toBe(OFFICER.username);
    await dialog.locator('#relogin-password').fill(OFFICER.password);
    await dialog.locator('#relogin-password').press('Enter');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.locator(`#note-${ALTET}-es`).inputValue()).toBe(typed);
    await tap(page.getByRole('button', { name: es.board.review }));
    await page.locator('[data-preview] [data-lang="es"]').filter({ hasText: typed }).waitFor();
    await tap(page.getByRole('button', { name: fill(es.preview.confirmTell, { count: 3 }) }));
    await page.getByRole('button', { name: es.board.undo }).waitFor();
    expect(bot.knowledge.office(ALTET)!.notes.es).toBe(typed);
  });

  it('every other page fits, with touch targets of 44 px and no axe violation', async () => {
    for (const name of ['handoffs', 'insights', 'audit', 'review']) {
      await page.goto(`${base}/staff/${name}`);
      await page.locator('main h1').waitFor();
      await page.locator('.loading').waitFor({ state: 'detached' });
      await screen(name);
    }
    console.log(`touch targets measured (screen, controls, smallest px): ${JSON.stringify(measured)}`);
    expect(problems).toEqual([]);
  });
});
