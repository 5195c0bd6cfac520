import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import { startTelegram, type TelegramChannel } from '../../src/features/telegram/index.js';
import { webSessions } from '../../src/features/webchat/sessions.js';
import type { Lang } from '../../src/knowledge/schema.js';
import { FakeBotApi } from '../support/fake-bot-api.js';
import { testConfig } from '../support/helpers.js';

// Erasure (GDPR art. 17) on each channel: the session, its subscriptions and waiting notices go,
// the citizen is told so, and a later status change notifies no one for that chat.

const ADMIN_TOKEN = 'erasure-admin-token-0123456789';
const OFFICE = 'elche-el-altet';
let api: FakeBotApi;
let bot: ChatCore;
let app: FastifyInstance;
let channel: TelegramChannel;

beforeAll(async () => {
  api = new FakeBotApi();
  await api.start();
  bot = await assemble(testConfig({ ADMIN_TOKEN, TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_API_ROOT: api.url }));
  app = buildApp({ bot, adminToken: ADMIN_TOKEN });
  await app.ready();
  channel = await startTelegram(bot, bot.config, app, pino({ level: 'silent' }));
});
afterAll(async () => {
  await channel?.stop();
  await app?.close();
  await bot?.close();
  await api?.close();
});

const chat = (payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/api/chat', payload });
const subscribersOf = async (office: string) => (await bot.subscriptions.subscribers(office)).map((s) => `${s.address.channel}:${s.address.id}`);
/** A status change to El Altet, and the notices it makes, delivered. */
async function statusChange(status: string): Promise<void> {
  const res = await app.inject({ method: 'PATCH', url: `/api/admin/offices/${OFFICE}`, headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload: { status } });
  expect(res.statusCode).toBe(200);
  await bot.notifier.drain();
}

/** A web citizen subscribed to two offices, with a notice waiting and a conversation in `lang`. */
async function webCitizen(subscribe: string, lang: Lang): Promise<{ token: string; id: string }> {
  const first = await chat({ text: subscribe, lang });
  expect(first.json().nlu.intent).toBe('subscribe_updates');
  const token: string = first.json().sessionId;
  const id = webSessions(bot.config).verify(token)!;
  await bot.subscriptions.add('elche-torrellano', { channel: 'web', id }, lang);
  await bot.stores.inbox.push(id, 'test-change', 'a notice waiting');
  expect(await subscribersOf(OFFICE)).toContain(`web:${id}`);
  expect(await bot.stores.sessions.get(`web:${id}`)).toBeDefined();
  return { token, id };
}

async function expectErased(id: string): Promise<void> {
  expect(await subscribersOf(OFFICE)).not.toContain(`web:${id}`);
  expect(await subscribersOf('elche-torrellano')).not.toContain(`web:${id}`);
  expect(await bot.stores.sessions.get(`web:${id}`)).toBeUndefined();
  expect(await bot.stores.inbox.count(id)).toBe(0);
}

const phrases: [Lang, string, string][] = [
  ['es', 'Avísame cuando abra la OMAC de El Altet', 'borra mis datos'],
  ['ca', "Aviseu-me quan òbriga l'OMAC del Altet", 'esborra les meues dades'],
  ['it', "Avvisatemi quando riapre l'OMAC di El Altet", 'cancella i miei dati'],
  ['sv', 'Meddela mig när OMAC El Altet öppnar igen', 'radera mina uppgifter'],
  ['en', 'Tell me when OMAC El Altet reopens', 'delete my data'],
];

describe('erasure on the web chat', () => {
  it.each(phrases)('%s: "%s", then "%s" erases the conversation and says so; a status change then notifies no one there', async (lang, subscribe, erase) => {
    const { token, id } = await webCitizen(subscribe, lang);
    const res = await chat({ sessionId: token, text: erase, lang });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.nlu.intent).toBe('forget_data');
    expect(body.reply.text).toBe(bot.texts.t(lang)('forget.done'));
    await expectErased(id);
    await statusChange('open');
    await statusChange('reopening');
    expect(await bot.stores.inbox.count(id)).toBe(0);
    expect((await app.inject({ method: 'GET', url: `/api/chat/${token}/notifications` })).json()).toEqual({ notifications: [] });
  });

  it('DELETE /api/chat/:sessionId erases it, in the conversation\'s language; a forged id erases nothing', async () => {
    const { token, id } = await webCitizen('Meddela mig när OMAC El Altet öppnar igen', 'sv');
    for (const forged of ['demo', '1', id, `${id}.${'A'.repeat(43)}`]) {
      const refused = await app.inject({ method: 'DELETE', url: `/api/chat/${encodeURIComponent(forged)}` });
      expect(refused.statusCode, forged).toBe(403);
    }
    expect(await subscribersOf(OFFICE)).toContain(`web:${id}`);
    expect(await bot.stores.inbox.count(id)).toBe(1);

    const res = await app.inject({ method: 'DELETE', url: `/api/chat/${token}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ erased: true, text: bot.texts.t('sv')('forget.done') });
    await expectErased(id);
    await statusChange('open');
    await statusChange('reopening');
    expect(await bot.stores.inbox.count(id)).toBe(0);
    // Erasing again is not an error: there is nothing left.
    expect((await app.inject({ method: 'DELETE', url: `/api/chat/${token}` })).statusCode).toBe(200);
  });
});

describe('erasure on Telegram', () => {
  it.each([
    [7101, '/forget'],
    [7102, 'radera mina uppgifter'],
  ])('chat %i: "%s" removes its subscriptions and session, says so, and a status change sends it nothing', async (chatId, erase) => {
    api.message(chatId, 'Meddela mig när OMAC El Altet öppnar igen', 'sv');
    await api.waitFor((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === chatId);
    expect(await subscribersOf(OFFICE)).toContain(`telegram:${chatId}`);
    expect(await bot.stores.sessions.get(`telegram:${chatId}`)).toBeDefined();

    const before = api.sent(chatId).length;
    api.message(chatId, erase, 'sv');
    await api.waitFor((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === chatId, before + 1);
    expect(String(api.sent(chatId).at(-1)!.payload.text)).toBe(bot.texts.t('sv')('forget.done'));
    expect(await subscribersOf(OFFICE)).not.toContain(`telegram:${chatId}`);
    expect(await bot.stores.sessions.get(`telegram:${chatId}`)).toBeUndefined();

    const after = api.sent(chatId).length;
    await statusChange('open');
    await statusChange('reopening');
    await new Promise((r) => setTimeout(r, 300));
    expect(api.sent(chatId)).toHaveLength(after);
  });

  it('lists /forget among the commands, in each language', async () => {
    const lists = api.callsOf('setMyCommands').map((c) => c.payload.commands as { command: string; description: string }[]);
    expect(lists.length).toBeGreaterThanOrEqual(5);
    for (const list of lists) expect(list.map((c) => c.command)).toContain('forget');
  });
});
