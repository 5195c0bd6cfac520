import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import { startTelegram, type TelegramChannel } from '../../src/features/telegram/index.js';
import { FakeBotApi } from '../support/fake-bot-api.js';
import { testConfig } from '../support/helpers.js';
import { coreAnswer } from '../support/texts.js';

/** A crowd writing at once on Telegram (long polling), with a Bot API that takes 100 ms per send. */
const api = new FakeBotApi();
let bot: ChatCore;
let app: FastifyInstance;
let channel: TelegramChannel;

beforeAll(async () => {
  await api.start();
  bot = await assemble(testConfig({ TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_API_ROOT: api.url }));
  app = buildApp({ bot });
  channel = await startTelegram(bot, bot.config, app, pino({ level: 'silent' }));
  await api.waitFor((c) => c.method === 'getUpdates');
});
afterAll(async () => {
  await channel?.stop();
  await app?.close();
  await api.close();
  await bot?.close();
});

describe('a burst of Telegram chats', () => {
  it('150 chats writing at once are all answered within 10 s, and one chat is answered in order', async () => {
    api.hangNext('sendMessage', 100, 'answer', 1000);
    const questions = ['¿Está abierta la OMAC de Torrellano?', 'hej', 'Is OMAC El Altet open?', 'Qual è il numero di ATS Insubria Varese?'];
    const started = Date.now();
    const chats = Array.from({ length: 150 }, (_, i) => 900_000 + i);
    for (const [i, chat] of chats.entries()) api.message(chat, questions[i % questions.length]);
    // One chat writes three messages in a row: their answers come back in that order.
    const ordered = 999_999;
    api.message(ordered, 'Is OMAC Torrellano open?', 'en');
    api.message(ordered, 'hej', 'sv');
    api.message(ordered, 'what is the phone number of ATS Insubria?', 'en');
    await api.waitFor((c) => c.method === 'sendMessage' && c.status === 200, chats.length + 3, 30_000);
    const elapsed = Date.now() - started;
    console.log(`150 chats + 3 messages answered in ${elapsed} ms`);
    for (const chat of chats) expect(api.sent(chat), `chat ${chat}`).toHaveLength(1);
    const replies = api.sent(ordered).map((c) => String(c.payload.text));
    expect(replies).toHaveLength(3);
    expect(replies[0]).toContain('OMAC Torrellano');
    expect(replies[1]).toBe(await coreAnswer(bot, 'greeting', 'sv', 'elche')); // after a question about an Elche office
    expect(replies[2]).toContain('031/370.111');
    expect(elapsed).toBeLessThan(10_000);
  });
});
