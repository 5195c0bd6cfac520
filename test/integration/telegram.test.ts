import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Config } from '../../src/config.js';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import { startTelegram, telegramWebhook, type TelegramChannel } from '../../src/features/telegram/index.js';
import { MAX_MESSAGE_LENGTH, langHint, splitMessage } from '../../src/features/telegram/format.js';
import { FakeBotApi, type ApiCall } from '../support/fake-bot-api.js';
import { coreAnswer, statusText } from '../support/texts.js';
import { testConfig } from '../support/helpers.js';

function telegramConfig(apiRoot: string, env: Record<string, string> = {}): Config {
  return testConfig({ TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_API_ROOT: apiRoot, ...env });
}

/** Everything the channel logs, to check that no message text ever reaches the logs. */
let logged = '';
const log = pino({ level: 'debug' }, new Writable({ write: (chunk, _enc, done) => ((logged += String(chunk)), done()) }));

const keyboardOf = (call: ApiCall) => (call.payload.reply_markup as InlineKeyboardMarkup | undefined)?.inline_keyboard.flat() ?? [];
const textOf = (call: ApiCall) => String(call.payload.text);

let bot: ChatCore;

beforeAll(async () => {
  bot = await assemble(telegramConfig('http://127.0.0.1:9'));
});

afterAll(async () => {
  await bot?.close();
});

describe('telegram channel (long polling against a local Bot API)', () => {
  const api = new FakeBotApi();
  let channel: TelegramChannel;
  let app: FastifyInstance;

  beforeAll(async () => {
    const config = telegramConfig(await api.start());
    app = buildApp({ bot });
    channel = await startTelegram(bot, config, app, log);
  });

  afterAll(async () => {
    await channel?.stop();
    await app?.close();
    await api.close();
  });

  it('starts polling and registers the commands in every language', async () => {
    expect(channel.mode).toBe('polling');
    expect(api.callsOf('getMe')).toHaveLength(1);
    expect(api.callsOf('deleteWebhook')).toHaveLength(1);
    await api.waitFor((c) => c.method === 'getUpdates');
    const lists = api.callsOf('setMyCommands');
    for (const lang of bot.texts.langs) {
      const list = lists.find((c) => c.payload.language_code === lang);
      expect(list?.payload.commands).toEqual(
        ['start', 'help', 'language', 'offices', 'subscribe', 'unsubscribe', 'forget'].map((command) => ({ command, description: bot.texts.t(lang)(`telegram.commands.${command}`) })),
      );
    }
    expect(lists.some((c) => c.payload.language_code === undefined)).toBe(true);
  });

  it('answers a Spanish question about OMAC Torrellano with its status, as the core does', async () => {
    const text = '¿Está abierta la OMAC de Torrellano?';
    api.message(1001, text, 'es');
    const [reply] = await api.waitFor((c) => c.method === 'sendMessage' && c.payload.chat_id === 1001);
    expect(reply.payload.parse_mode).toBeUndefined();
    expect(textOf(reply)).toContain('Torrellano');
    // The channel adds nothing and loses nothing: the answer is the core's for the same turn.
    const core = await bot.chat({ sessionId: 'reference-es', channel: 'web', text, langHint: langHint('es', bot.texts.langs) });
    expect(textOf(reply)).toBe(core.reply.text);
    expect(core.lang).toBe('es');
    expect(textOf(reply)).toContain(bot.texts.t('es')('status.yes_reopened', { office: 'la OMAC de Torrellano', modes: bot.texts.t('es')('mode.in_person') }));
  });

  it('greets a user whose Telegram is in Swedish in Swedish', async () => {
    api.message(1002, 'hej', 'sv');
    const [reply] = await api.waitFor((c) => c.method === 'sendMessage' && c.payload.chat_id === 1002);
    expect(textOf(reply)).toBe(await coreAnswer(bot, 'greeting', 'sv'));
  });

  it('turns quick replies into buttons and handles a press as the choice', async () => {
    api.message(1003, '/subscribe', 'es');
    const [question] = await api.waitFor((c) => c.method === 'sendMessage' && c.payload.chat_id === 1003);
    const buttons = keyboardOf(question);
    expect(buttons.length).toBe(bot.knowledge.offices.length);
    for (const b of buttons) expect(Buffer.byteLength(String('callback_data' in b && b.callback_data))).toBeLessThanOrEqual(64);
    const altet = buttons.find((b) => b.text === 'OMAC El Altet')!;
    const press = api.press(1003, 'callback_data' in altet ? altet.callback_data : '', 'es');

    const [answered] = await api.waitFor((c) => c.method === 'answerCallbackQuery');
    expect(answered.payload.callback_query_id).toBe(press.callback_query!.id);
    const replies = await api.waitFor((c) => c.method === 'sendMessage' && c.payload.chat_id === 1003, 2);
    expect(textOf(replies[1])).toContain('El Altet');
    expect(await bot.subscriptions.subscribers('elche-el-altet')).toContainEqual(expect.objectContaining({ address: { channel: 'telegram', id: '1003' } }));
  });

  it('delivers status-change notices to Telegram subscribers through the same API', async () => {
    // chat 1003 subscribed to OMAC El Altet in the previous test
    await bot.live.update('elche-el-altet', { status: 'open' }, 'test');
    const notices = await api.waitFor((c) => c.method === 'sendMessage' && c.payload.chat_id === '1003' && c.status === 200);
    expect(textOf(notices[0])).toContain('El Altet');
  });

  it('offers the languages on /start and switches language on a press', async () => {
    api.message(1006, '/start', 'en');
    const [greeting, question] = await api.waitFor((c) => c.method === 'sendMessage' && c.payload.chat_id === 1006, 2);
    expect(textOf(greeting)).toBe(await coreAnswer(bot, 'greeting', 'en'));
    const languages = keyboardOf(question);
    expect(languages.map((b) => b.text)).toHaveLength(bot.texts.langs.length);
    const english = languages.find((b) => b.text === 'English')!;
    api.press(1006, 'callback_data' in english ? english.callback_data : '', 'en');
    const replies = await api.waitFor((c) => c.method === 'sendMessage' && c.payload.chat_id === 1006, 3);
    expect(textOf(replies[2])).toBe(bot.texts.t('en')('language.changed'));
  });

  it('a deep link (/start paiporta) keeps the chat on that council until the citizen names another', async () => {
    api.message(1007, '/start paiporta', 'es');
    const [greeting] = await api.waitFor((c) => c.method === 'sendMessage' && c.payload.chat_id === 1007, 2);
    expect(textOf(greeting)).toContain('Ayuntamiento de Paiporta');
    expect(textOf(greeting)).not.toContain('Elche');
    api.message(1007, '¿Qué oficinas están abiertas?', 'es');
    const replies = await api.waitFor((c) => c.method === 'sendMessage' && c.payload.chat_id === 1007, 3);
    expect(textOf(replies[2])).toContain(statusText(bot, 'paiporta-oficina-unica', 'es'));
    expect(textOf(replies[2])).not.toContain('Elche');
    api.message(1007, '¿Y las oficinas de Elche?', 'es');
    const more = await api.waitFor((c) => c.method === 'sendMessage' && c.payload.chat_id === 1007, 4);
    expect(textOf(more[3])).toContain('Altabix');
  });

  it('retries a sendMessage refused with 429 after retry_after and delivers it exactly once', async () => {
    api.failNext('sendMessage', 429, 1);
    api.message(1004, '/offices', 'es');
    const attempts = await api.waitFor((c) => c.method === 'sendMessage' && c.payload.chat_id === 1004, 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(950);
    expect(api.sent(1004)).toHaveLength(1);
    expect(textOf(attempts[1])).toContain('Torrellano'); // the status board lists every office
  });

  it('keeps going after an update fails, and logs no message text', async () => {
    api.failNext('sendMessage', 400);
    api.message(1005, 'hola <b>bold</b> & co');
    await api.waitFor((c) => c.method === 'sendMessage' && c.payload.chat_id === 1005 && c.status === 400);
    api.message(1005, '/help');
    const [help] = await api.waitFor((c) => c.method === 'sendMessage' && c.payload.chat_id === 1005 && c.status === 200);
    expect(help.payload.parse_mode).toBeUndefined();
    expect(logged).toContain('telegram update failed');
    for (const secret of ['Torrellano', 'hola', 'hej', 'bold', await coreAnswer(bot, 'greeting', 'en')]) expect(logged).not.toContain(secret);
  });
});

describe('telegram channel (webhook on the fastify app)', () => {
  const api = new FakeBotApi();
  const secret = 'right-secret_123';
  let channel: TelegramChannel;
  let app: FastifyInstance;
  let config: Config;
  const update = (chatId: number, text: string) => ({
    update_id: 9001 + chatId,
    message: { message_id: 1, date: 0, chat: { id: chatId, type: 'private', first_name: 'Ana' }, from: { id: chatId, is_bot: false, first_name: 'Ana', language_code: 'es' }, text },
  });
  const post = (payload: object, token?: string) =>
    app.inject({ method: 'POST', url: '/telegram/webhook', payload, headers: token === undefined ? {} : { 'x-telegram-bot-api-secret-token': token } });

  beforeAll(async () => {
    config = telegramConfig(await api.start(), { TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/telegram/webhook', TELEGRAM_WEBHOOK_SECRET: secret });
    app = buildApp({ bot });
    // As main.ts does: the route exists before the server listens, the channel comes later.
    app.register(telegramWebhook, { config });
  });

  afterAll(async () => {
    await channel?.stop();
    await app?.close();
    await api.close();
  });

  it('answers 503 until the channel is started, 401 without the secret', async () => {
    expect((await post(update(2001, 'hola'), secret)).statusCode).toBe(503);
    expect((await post(update(2001, 'hola'), 'wrong')).statusCode).toBe(401);
  });

  it('sets the webhook with the secret and processes only requests that carry it', async () => {
    channel = await startTelegram(bot, config, app, log);
    expect(channel.mode).toBe('webhook');
    const [set] = api.callsOf('setWebhook');
    expect(set.payload).toMatchObject({ url: 'https://bot.example.org/telegram/webhook', secret_token: secret });
    expect(api.callsOf('getUpdates')).toHaveLength(0);

    expect((await post(update(2002, '¿Está abierta la OMAC de Torrellano?'), 'wrong-secret')).statusCode).toBe(401);
    expect((await post(update(2002, '¿Está abierta la OMAC de Torrellano?'))).statusCode).toBe(401);
    expect((await post({ not: 'an update' }, 'wrong-secret')).statusCode).toBe(401);
    expect(api.sent(2002)).toHaveLength(0);

    const ok = await post(update(2002, '¿Está abierta la OMAC de Torrellano?'), secret);
    expect(ok.statusCode).toBe(200);
    const [reply] = await api.waitFor((c) => c.method === 'sendMessage' && c.payload.chat_id === 2002);
    expect(textOf(reply)).toContain('Torrellano');
    expect((await post({ not: 'an update' }, secret)).statusCode).toBe(400);
  });

  it('sendText reaches a chat through the API', async () => {
    await channel.sendText('2003', 'x'.repeat(5000));
    expect(api.sent(2003).map((c) => textOf(c).length)).toEqual([4096, 904]);
  });
});

describe('telegram formatting', () => {
  it('splits long answers on line boundaries within the limit', () => {
    const lines = Array.from({ length: 300 }, (_, i) => `• line ${i} ${'é'.repeat(i % 40)}`);
    const text = lines.join('\n');
    const parts = splitMessage(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(parts.join('\n')).toBe(text);
    expect(parts.flatMap((p) => p.split('\n'))).toEqual(lines);
  });

  it('splits an over-long line without breaking an emoji', () => {
    const text = '😀'.repeat(3000);
    const parts = splitMessage(text);
    expect(parts.join('')).toBe(text);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(splitMessage('\n\n')).toEqual([]);
  });

  it('takes the language hint from language_code when the bot speaks it', () => {
    expect(langHint('sv', ['es', 'sv'])).toBe('sv');
    expect(langHint('pt-br', ['es', 'sv'])).toBeUndefined();
    expect(langHint('en-GB', ['en'])).toBe('en');
    expect(langHint(undefined, ['en'])).toBeUndefined();
  });
});
