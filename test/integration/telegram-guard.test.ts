import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Update } from 'grammy/types';
import { loadConfig, type Config } from '../../src/config.js';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import { startTelegram, telegramWebhook, type TelegramChannel } from '../../src/features/telegram/index.js';
import { MAX_TEXT_CHARS } from '../../src/features/telegram/handlers.js';
import { RecentUpdates } from '../../src/features/telegram/guard.js';
import { BOT_USER, FakeBotApi, type ApiCall } from '../support/fake-bot-api.js';
import { coreAnswer } from '../support/texts.js';

function telegramConfig(apiRoot: string, env: Record<string, string> = {}): Config {
  return loadConfig({ LOG_LEVEL: 'silent', STORE: 'memory', NLU_ENCODER: 'ngram', TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_API_ROOT: apiRoot, ...env });
}

let logged = '';
const log = pino({ level: 'debug' }, new Writable({ write: (chunk, _enc, done) => ((logged += String(chunk)), done()) }));
const textOf = (call: ApiCall) => String(call.payload.text);
const toChat = (chatId: number) => (c: ApiCall) => c.method === 'sendMessage' && c.payload.chat_id === chatId;

let bot: ChatCore;
beforeAll(async () => {
  bot = await assemble(telegramConfig('http://127.0.0.1:9'));
});
afterAll(async () => {
  await bot?.close();
});

describe('telegram guard (long polling against a local Bot API)', () => {
  const api = new FakeBotApi();
  let channel: TelegramChannel;
  let app: FastifyInstance;
  let messageId = 10_000;

  beforeAll(async () => {
    app = buildApp({ bot });
    channel = await startTelegram(bot, telegramConfig(await api.start()), app, log);
  });
  afterAll(async () => {
    await channel?.stop();
    await app?.close();
    await api.close();
  });

  /** From a message's arrival at the Bot API to the bot's answer, in ms. */
  async function answerMs(chatId: number, text: string, lang = 'es'): Promise<{ ms: number; reply: ApiCall }> {
    const start = performance.now();
    api.message(chatId, text, lang);
    const [reply] = await api.waitFor(toChat(chatId));
    return { ms: performance.now() - start, reply };
  }

  it('answers a 16,384-character message with a request to write less, as fast as a normal message', async () => {
    const normal: number[] = [];
    for (let i = 0; i < 5; i++) normal.push((await answerMs(3000 + i, '¿Está abierta la OMAC de Torrellano?')).ms);
    normal.sort((a, b) => a - b);
    let long = Infinity;
    for (const [i, text] of ['a'.repeat(16_384), '漢'.repeat(16_384), '@'.repeat(16_384)].entries()) {
      const { ms, reply } = await answerMs(3100 + i, text, 'it');
      long = Math.min(long, ms);
      expect(textOf(reply)).toBe(bot.texts.t('it')('telegram.too_long', { max: MAX_TEXT_CHARS }));
    }
    expect(long, `${long.toFixed(1)} ms against ${normal[2].toFixed(1)} ms`).toBeLessThan(3 * normal[2]);
  });

  it('reads a message of exactly 2,000 characters (code points, as the web chat counts)', async () => {
    const { reply } = await answerMs(3200, `${'😀'.repeat(MAX_TEXT_CHARS - 5)} hola`);
    expect(textOf(reply)).not.toBe(bot.texts.t('es')('telegram.too_long', { max: MAX_TEXT_CHARS }));
  });

  const group = { id: -100_777, type: 'group' as const, title: 'Veïns de Paiporta' };
  const from = { id: 4242, is_bot: false, first_name: 'Ana', language_code: 'es' };
  const inGroup = (text: string, extra: Record<string, unknown> = {}): Update =>
    api.push({ message: { message_id: messageId++, date: Math.floor(Date.now() / 1000), chat: group, from, text, ...extra } } as Omit<Update, 'update_id'>);
  const command = (text: string) => ({ entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0].length }] });

  it('ignores group messages not meant for it; answers a mention, a reply to it and its commands', async () => {
    const mention = `@${BOT_USER.username}`;
    inGroup('¿Está abierta la OMAC de Torrellano?');
    inGroup('/help@some_other_bot', command('/help@some_other_bot'));
    inGroup(`${mention} ¿Está abierta la OMAC de Torrellano?`, { entities: [{ type: 'mention', offset: 0, length: mention.length }] });
    const [first] = await api.waitFor(toChat(group.id));
    // Updates are handled in order: the two before the mention got no answer.
    expect(api.callsOf('sendMessage').filter(toChat(group.id))).toHaveLength(1);
    expect(textOf(first)).toContain('Torrellano');

    inGroup('y la de El Altet?', { reply_to_message: { message_id: first.messageId, date: 0, chat: group, from: BOT_USER, text: textOf(first) } });
    const replies = await api.waitFor(toChat(group.id), 2);
    expect(textOf(replies[1])).toContain('El Altet');

    inGroup('/offices', command('/offices'));
    inGroup(`/help${mention}`, command(`/help${mention}`));
    const all = await api.waitFor(toChat(group.id), 4);
    expect(textOf(all[3])).toBe(await coreAnswer(bot, 'help', 'es', 'elche')); // the group's conversation is about Elche
    inGroup('gracias');
    api.message(3300, 'hola', 'es');
    await api.waitFor(toChat(3300));
    expect(api.callsOf('sendMessage').filter(toChat(group.id))).toHaveLength(4);
  });
});

describe('telegram guard (webhook)', () => {
  const api = new FakeBotApi();
  const secret = 'guard-secret_123';
  let channel: TelegramChannel;
  let app: FastifyInstance;
  const post = (payload: object) =>
    app.inject({ method: 'POST', url: '/telegram/webhook', payload, headers: { 'x-telegram-bot-api-secret-token': secret } });
  const update = (updateId: number, chat: unknown, text: string) => ({
    update_id: updateId,
    message: { message_id: 1, date: 0, chat, from: { id: 5, is_bot: false, first_name: 'Ana', language_code: 'es' }, text },
  });

  beforeAll(async () => {
    const config = telegramConfig(await api.start(), { TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/telegram/webhook', TELEGRAM_WEBHOOK_SECRET: secret });
    app = buildApp({ bot });
    app.register(telegramWebhook, { config });
    await app.ready();
    channel = await startTelegram(bot, config, app, log);
  });
  afterAll(async () => {
    await channel?.stop();
    await app?.close();
    await api.close();
  });

  it('handles a replayed update_id once', async () => {
    const once = update(77_001, { id: 4001, type: 'private', first_name: 'Ana' }, '¿Está abierta la OMAC de Torrellano?');
    for (let i = 0; i < 3; i++) expect((await post(once)).statusCode).toBe(200);
    await post(update(77_002, { id: 4002, type: 'private', first_name: 'Ana' }, 'hola'));
    await api.waitFor(toChat(4002));
    expect(api.sent(4001)).toHaveLength(1);
  });

  it('refuses an update whose chat.id is not an integer: nothing reaches sendMessage, nothing of its text is logged', async () => {
    const malformed = [{ $gt: 0 }, '4003', 4003.5, null, [4003], { id: 4003 }];
    for (const [i, id] of malformed.entries()) {
      const res = await post(update(78_000 + i, { id, type: 'private', first_name: 'Ana' }, 'malformed-secret-text'));
      expect(res.statusCode).toBe(200); // handled (by refusing it): Telegram must not redeliver it
    }
    await post(update(78_100, { id: 4004, type: 'private', first_name: 'Ana' }, 'hola'));
    await api.waitFor(toChat(4004));
    const sent = api.callsOf('sendMessage');
    expect(sent.every((c) => Number.isSafeInteger(c.payload.chat_id) || /^-?\d+$/.test(String(c.payload.chat_id)))).toBe(true);
    expect(sent.filter((c) => String(c.payload.chat_id).includes('4003'))).toHaveLength(0);
    expect(logged).toContain('telegram update refused');
    expect(logged).not.toContain('malformed-secret-text');
  });
});

describe('RecentUpdates', () => {
  it('remembers the last ids it was given, and only those', () => {
    const seen = new RecentUpdates(3);
    expect([1, 2, 3, 1].map((id) => seen.firstTime(id))).toEqual([true, true, true, false]);
    expect(seen.firstTime(4)).toBe(true); // forgets 1
    expect([1, 3, 4].map((id) => seen.firstTime(id))).toEqual([true, false, false]);
  });
});
