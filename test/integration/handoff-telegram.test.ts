import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Update } from 'grammy/types';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import { startTelegram, type TelegramChannel } from '../../src/features/telegram/index.js';
import { BOT_USER, FakeBotApi, type ApiCall } from '../support/fake-bot-api.js';
import { handoffKnowledge } from '../support/handoff-kb.js';
import { testConfig } from '../support/helpers.js';
import { bearer } from '../support/staff.js';

/**
 * Hand-over on Telegram against the local Bot API: the citizen's chat, and Paiporta's staff group
 * (handoff.telegramChatId), where a reply to the bot's post answers the citizen.
 */
const TOKEN = 'handoff-tg-admin-token-0123456789';
const GROUP = -1001234;
const OTHER_GROUP = -1005678;
const CITIZEN = 3001;
const api = new FakeBotApi();
let bot: ChatCore;
let app: FastifyInstance;
let channel: TelegramChannel;

beforeAll(async () => {
  const dir = handoffKnowledge({ paiporta: { timeZone: 'Europe/Madrid', handoff: { enabled: true, telegramChatId: GROUP } } });
  const config = testConfig({ ADMIN_TOKEN: TOKEN, KNOWLEDGE_DIR: dir, TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_API_ROOT: await api.start() });
  bot = await assemble(config);
  app = buildApp({ bot, adminToken: TOKEN });
  await app.ready();
  channel = await startTelegram(bot, config, app, pino({ level: 'silent' }));
});
afterAll(async () => {
  await channel?.stop();
  await app?.close();
  await bot?.close();
  await api.close();
});

const textOf = (c: ApiCall) => String(c.payload.text);
const sentTo = (chatId: number) => api.sent(chatId).map(textOf);
const toChat = (chatId: number) => (c: ApiCall) => c.method === 'sendMessage' && Number(c.payload.chat_id) === chatId && c.status === 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A staff member's message in a group, as a reply to one of the bot's messages there. */
function groupReply(chatId: number, repliedTo: number, text: string): Update {
  const date = Math.floor(Date.now() / 1000);
  const chat = { id: chatId, type: 'supergroup' as const, title: 'Personal' };
  const entities = text.startsWith('/') ? [{ type: 'bot_command' as const, offset: 0, length: text.split(' ')[0].length }] : undefined;
  return api.push({
    message: { message_id: 50_000 + Math.floor(Math.random() * 10_000), date, chat, from: { id: 777, is_bot: false, first_name: 'Pau', username: 'pau_paiporta' }, text, entities, reply_to_message: { message_id: repliedTo, date, chat, from: BOT_USER, text: '…' } },
  } as unknown as Omit<Update, 'update_id'>);
}

describe('hand-over to staff on Telegram', () => {
  let post: ApiCall;

  it('a citizen asking for a person is handed over, and the hand-over is posted to the staff group with its transcript', async () => {
    api.message(CITIZEN, '/start paiporta', 'es');
    await api.waitFor(toChat(CITIZEN), 2);
    api.message(CITIZEN, 'Quiero hablar con una persona, por favor', 'es');
    const [opened] = (await api.waitFor(toChat(CITIZEN), 3)).slice(-1);
    expect(textOf(opened)).toContain('Le paso con el personal del Ayuntamiento de Paiporta; le responderán por aquí.');
    [post] = await api.waitFor(toChat(GROUP));
    expect(textOf(post)).toContain('Nueva conversación para el personal del Ayuntamiento de Paiporta (canal: telegram; idioma: Español).');
    expect(textOf(post)).toContain('Ciudadano: Quiero hablar con una persona, por favor');
    expect(post.payload.parse_mode).toBeUndefined();
    const queue = (await app.inject({ method: 'GET', url: '/api/admin/handoffs', headers: bearer(TOKEN) })).json().handoffs;
    expect(queue).toHaveLength(1);
    expect(queue[0]).toMatchObject({ org: 'paiporta', channel: 'telegram', lang: 'es', status: 'waiting' });
  });

  it("the citizen's next message goes to staff (acknowledged once, also posted to the group), not answered by the bot", async () => {
    const before = sentTo(CITIZEN).length;
    api.message(CITIZEN, '¿Está abierta la Oficina Única?', 'es');
    await api.waitFor(toChat(GROUP), 2);
    const [ack] = (await api.waitFor(toChat(CITIZEN), before + 1)).slice(-1);
    expect(textOf(ack)).toMatch(/^Recibido: su mensaje ya está en manos del personal/);
    expect(sentTo(GROUP).at(-1)).toBe('Ciudadano: ¿Está abierta la Oficina Única?');
    api.message(CITIZEN, 'Es urgente', 'es');
    await api.waitFor(toChat(GROUP), 3);
    await sleep(300);
    expect(sentTo(CITIZEN)).toHaveLength(before + 1); // no second acknowledgement, no bot answer
  });

  it("a reply to the post in the staff group reaches the citizen; the same reply from another chat does nothing", async () => {
    const before = sentTo(CITIZEN).length;
    groupReply(OTHER_GROUP, post.messageId!, 'Esto no debería llegar');
    await sleep(500);
    expect(sentTo(CITIZEN)).toHaveLength(before);
    groupReply(GROUP, post.messageId!, 'Hola, soy Pau, del Ayuntamiento. ¿En qué le ayudo?');
    const [reply] = (await api.waitFor(toChat(CITIZEN), before + 1)).slice(-1);
    expect(textOf(reply)).toBe('Personal del Ayuntamiento de Paiporta:\nHola, soy Pau, del Ayuntamiento. ¿En qué le ayudo?');
    expect(sentTo(CITIZEN).filter((t) => t.includes('Esto no debería llegar'))).toEqual([]);
    const [h] = (await app.inject({ method: 'GET', url: '/api/admin/handoffs', headers: bearer(TOKEN) })).json().handoffs;
    expect(h).toMatchObject({ status: 'assigned', assignee: 'telegram:pau_paiporta' });
  });

  it('a reply through the admin API reaches the Telegram citizen too', async () => {
    const before = sentTo(CITIZEN).length;
    const [h] = (await app.inject({ method: 'GET', url: '/api/admin/handoffs', headers: bearer(TOKEN) })).json().handoffs;
    const res = await app.inject({ method: 'POST', url: `/api/admin/handoffs/${h.id}/messages`, headers: bearer(TOKEN), payload: { text: 'Le envío el enlace en un momento.' } });
    expect(res.statusCode).toBe(201);
    const [reply] = (await api.waitFor(toChat(CITIZEN), before + 1)).slice(-1);
    expect(textOf(reply)).toBe('Personal del Ayuntamiento de Paiporta:\nLe envío el enlace en un momento.');
  });

  it('/close as a reply in the group closes it: the citizen is told, and the bot answers again', async () => {
    const before = sentTo(CITIZEN).length;
    groupReply(GROUP, post.messageId!, '/close');
    const [closed] = (await api.waitFor(toChat(CITIZEN), before + 1)).slice(-1);
    expect(textOf(closed)).toBe('El personal ha cerrado la conversación. Vuelve a atenderle el asistente: pregúnteme lo que necesite.');
    api.message(CITIZEN, '¿Está abierta la Oficina Única de Paiporta?', 'es');
    const [answer] = (await api.waitFor(toChat(CITIZEN), before + 2)).slice(-1);
    const core = await bot.chat({ sessionId: 'reference', channel: 'web', text: '¿Está abierta la Oficina Única de Paiporta?', lang: 'es' });
    expect(textOf(answer)).toBe(core.reply.text);
  });
});
