import fs from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import { startTelegram, type TelegramChannel } from '../../src/features/telegram/index.js';
import type { Lang } from '../../src/knowledge/schema.js';
import { FakeBotApi, type ApiCall } from '../support/fake-bot-api.js';
import { say, sessionOf, testConfig } from '../support/helpers.js';
import { officeNames } from '../support/texts.js';

/**
 * Acceptance tests of the staff-operations notifications, end to end: citizens subscribe on the
 * real Telegram channel (long polling against the local Bot API server), staff change a status
 * through the admin API, and the notices come back through the same server.
 */

const ADMIN_TOKEN = 'notify-admin-token-0123456789';
const OFFICE = 'elche-el-altet';
const silent = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Instance {
  bot: ChatCore;
  app: FastifyInstance;
  channel?: TelegramChannel;
}
const running: Instance[] = [];
const apis: FakeBotApi[] = [];
const dirs: string[] = [];

/** Stops an instance the way main.ts does on SIGTERM. */
async function shutdown(instance: Instance): Promise<void> {
  running.splice(running.indexOf(instance), 1);
  await instance.channel?.stop();
  await instance.app.close();
  await instance.bot.close();
}

afterEach(async () => {
  for (const instance of [...running].reverse()) await shutdown(instance);
  for (const api of apis.splice(0)) await api.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A bot and its web app, pointed at the Bot API server; Telegram starts unless told not to. */
async function startInstance(apiRoot: string, env: Record<string, string> = {}, telegram = true): Promise<Instance> {
  const bot = await assemble(testConfig({ ADMIN_TOKEN, TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_API_ROOT: apiRoot, ...env }));
  const app = buildApp({ bot, adminToken: ADMIN_TOKEN });
  await app.ready();
  const instance: Instance = { bot, app };
  running.push(instance);
  if (telegram) await startChannel(instance);
  return instance;
}

async function startChannel(instance: Instance): Promise<void> {
  instance.channel = await startTelegram(instance.bot, instance.bot.config, instance.app, silent);
}

async function startApi(sendDelayMs = 0): Promise<FakeBotApi> {
  const api = new FakeBotApi();
  if (sendDelayMs > 0) {
    // A slow Bot API: every sendMessage takes a few ms before it is seen and answered.
    const slow = api as unknown as { handle: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> };
    const handle = slow.handle.bind(api);
    slow.handle = async (req, res) => {
      if (req.url?.endsWith('/sendMessage')) await sleep(sendDelayMs);
      return handle(req, res);
    };
  }
  apis.push(api);
  await api.start();
  return api;
}

const patchStatus = (app: FastifyInstance, payload: object) =>
  app.inject({ method: 'PATCH', url: `/api/admin/offices/${OFFICE}`, headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload });

const isSend = (c: ApiCall) => c.method === 'sendMessage';

/** Waits until no sendMessage has arrived for `quietMs` (and at least `atLeast` have). */
async function untilQuiet(api: FakeBotApi, quietMs: number, atLeast = 0, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = -1;
  let since = Date.now();
  for (;;) {
    const n = api.callsOf('sendMessage').length;
    if (n !== seen) {
      seen = n;
      since = Date.now();
    } else if (n >= atLeast && Date.now() - since >= quietMs) {
      return;
    }
    if (Date.now() > deadline) throw new Error(`sendMessage calls did not settle within ${timeoutMs} ms (${n} seen, ${atLeast} expected)`);
    await sleep(25);
  }
}

/** The first line of a notice in that language for El Altet (its name in that language). */
function noticeHead(bot: ChatCore, lang: Lang): string {
  const office = bot.knowledge.office(OFFICE)!;
  return bot.texts.t(lang)('notify.changed', { office: office.name[lang] });
}

describe('status-change notifications on Telegram', () => {
  it('three subscribers writing in es, sv and it each get exactly one notice in their own language', async () => {
    const api = await startApi();
    const { bot, app } = await startInstance(api.url);
    expect(bot.knowledge.office(OFFICE)!.status).toBe('reopening');

    const people = [
      { chat: 3001, lang: 'es', text: 'Avisadme cuando reabra la OMAC de El Altet' },
      { chat: 3002, lang: 'sv', text: 'Meddela mig när OMAC El Altet öppnar igen' },
      { chat: 3003, lang: 'it', text: "Avvisatemi quando riapre l'OMAC di El Altet" },
    ] as const;
    for (const p of people) {
      api.message(p.chat, p.text, p.lang);
      const [reply] = await api.waitFor((c) => isSend(c) && c.payload.chat_id === p.chat && c.status === 200);
      // The core understood a subscription to El Altet and answered in the citizen's language.
      expect(String(reply.payload.text), p.lang).toBe(bot.texts.t(p.lang)('subscribe.done', officeNames(bot, OFFICE, p.lang)));
    }
    const subscribers = await bot.subscriptions.subscribers(OFFICE);
    expect(subscribers).toHaveLength(people.length);
    for (const p of people) expect(subscribers).toContainEqual({ address: { channel: 'telegram', id: String(p.chat) }, lang: p.lang });

    const before = api.calls.length;
    const res = await patchStatus(app, { status: 'open' });
    expect(res.statusCode).toBe(200);
    expect(res.json().office).toMatchObject({ id: OFFICE, status: 'open' });

    // Let the fan-out finish, then make sure nothing more trickles in.
    await untilQuiet(api, 1500, api.callsOf('sendMessage').length + people.length);
    const notices = api.calls.slice(before).filter(isSend);
    expect(notices).toHaveLength(people.length);
    for (const p of people) {
      const mine = notices.filter((c) => Number(c.payload.chat_id) === p.chat);
      expect(mine, `chat ${p.chat} (${p.lang})`).toHaveLength(1);
      expect(mine[0].status).toBe(200);
      expect(mine[0].payload.parse_mode).toBeUndefined();
      expect(String(mine[0].payload.text).startsWith(noticeHead(bot, p.lang)), String(mine[0].payload.text)).toBe(true);
    }
    // Three different languages, three different texts.
    expect(new Set(notices.map((c) => String(c.payload.text).split('\n')[0])).size).toBe(people.length);
    expect(await bot.notifier.pendingCount()).toBe(0);
  });

  it('a restart in the middle of a fan-out to 500 subscribers loses none and repeats none', { timeout: 120_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-'));
    dirs.push(dir);
    const env = { STORE: 'sqlite', DATA_DIR: dir };
    const api = await startApi(4);
    const first = await startInstance(api.url, env);

    const langs: Lang[] = ['es', 'ca', 'it', 'sv', 'en'];
    const chats = Array.from({ length: 500 }, (_, i) => ({ chat: 500_000 + i, lang: langs[i % langs.length] }));
    for (const { chat, lang } of chats) await first.bot.subscriptions.add(OFFICE, { channel: 'telegram', id: String(chat) }, lang);
    expect(await first.bot.subscriptions.subscribers(OFFICE)).toHaveLength(500);

    const before = api.calls.length;
    const notices = () => api.calls.slice(before).filter(isSend);
    expect((await patchStatus(first.app, { status: 'open' })).statusCode).toBe(200);

    // Stop the first instance part-way through, as on SIGTERM.
    await api.waitFor((c) => isSend(c) && api.calls.indexOf(c) >= before, 150, 60_000);
    await shutdown(first);
    const afterStop = notices().length;
    expect(afterStop).toBeGreaterThanOrEqual(150);
    expect(afterStop).toBeLessThan(500);
    await sleep(300);
    expect(notices().length, 'the stopped instance sent nothing more').toBe(afterStop);

    // The second instance on the same DATA_DIR: the outbox holds exactly what was not delivered.
    const second = await startInstance(api.url, env, false);
    expect(second.bot.knowledge.office(OFFICE)!.status).toBe('open');
    const delivered = new Set(notices().map((c) => Number(c.payload.chat_id)));
    expect(delivered.size, 'no chat notified twice before the stop').toBe(afterStop);
    expect(await second.bot.notifier.pendingCount()).toBe(500 - delivered.size);
    await startChannel(second);
    const deadline = Date.now() + 90_000;
    while ((await second.bot.notifier.pendingCount()) > 0) {
      if (Date.now() > deadline) throw new Error(`outbox not empty: ${await second.bot.notifier.pendingCount()} pending`);
      await sleep(100);
    }
    await untilQuiet(api, 1500, 0);

    const all = notices();
    const byChat = new Map<number, ApiCall[]>();
    for (const c of all) byChat.set(Number(c.payload.chat_id), [...(byChat.get(Number(c.payload.chat_id)) ?? []), c]);
    const missing = chats.filter(({ chat }) => !byChat.has(chat)).map(({ chat }) => chat);
    const repeated = [...byChat].filter(([, calls]) => calls.length > 1).map(([chat]) => chat);
    expect(missing, 'chats that got no notice').toEqual([]);
    expect(repeated, 'chats that got more than one notice').toEqual([]);
    expect(all).toHaveLength(500);
    for (const { chat, lang } of chats) {
      const [notice] = byChat.get(chat)!;
      expect(notice.status).toBe(200);
      expect(String(notice.payload.text).startsWith(noticeHead(second.bot, lang)), `chat ${chat} (${lang})`).toBe(true);
    }
    // Both instances took part: the first up to the stop, the second the rest.
    expect(all.length - afterStop).toBeGreaterThan(0);
  });

  it('web chat subscribers get their notice while Telegram is not running; Telegram subscribers once it starts', async () => {
    const api = await startApi();
    // Telegram did not start (an outage or a revoked token at start: main.ts keeps the web chat serving).
    const instance = await startInstance(api.url, {}, false);
    const { bot, app } = instance;
    await bot.subscriptions.add(OFFICE, { channel: 'telegram', id: '4001' }, 'sv'); // subscribed earlier on Telegram
    expect((await say(app, 'web-after-telegram', 'Avísame cuando abra la OMAC de El Altet')).nlu.intent).toBe('subscribe_updates');
    expect(await bot.subscriptions.subscribers(OFFICE)).toHaveLength(2);

    expect((await patchStatus(app, { status: 'open' })).statusCode).toBe(200);
    const poll = async () => (await app.inject({ method: 'GET', url: `/api/chat/${sessionOf('web-after-telegram')}/notifications` })).json().notifications as string[];
    let web: string[] = [];
    for (let i = 0; i < 50 && web.length === 0; i++) {
      web = await poll();
      if (!web.length) await sleep(20);
    }
    expect(web).toHaveLength(1);
    expect(web[0].startsWith(noticeHead(bot, 'es'))).toBe(true);
    expect(await bot.notifier.pendingCount(), 'the Telegram notice waits in the outbox').toBe(1);

    await startChannel(instance);
    const [notice] = await api.waitFor((c) => isSend(c) && c.payload.chat_id === '4001' && c.status === 200);
    expect(String(notice.payload.text).startsWith(noticeHead(bot, 'sv'))).toBe(true);
    await untilQuiet(api, 1000, 1);
    expect(api.sent(4001)).toHaveLength(1);
    expect(await bot.notifier.pendingCount()).toBe(0);
    expect(await poll()).toEqual([]);
  });
});
