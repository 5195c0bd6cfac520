import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import { startTelegram, type TelegramChannel } from '../../src/features/telegram/index.js';
import { loadConfig, ROOT, type Config } from '../../src/config.js';
import { createStores, StoreUnavailableError } from '../../src/storage/index.js';
import { FakeBotApi, type ApiCall } from '../support/fake-bot-api.js';
import { startRedis } from '../support/redis-server.js';
import { testConfig } from '../support/helpers.js';
import { coreAnswer, officeNames, statusText } from '../support/texts.js';
import { webInbox } from '../../src/features/webchat/inbox.js';

const silentLogger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it holds, or fails after `timeoutMs` with `what`. */
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

describe('fault: Redis stops while the bot serves', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let bot: ChatCore | undefined;
  let peer: ChatCore | undefined;
  let config: Config;
  const degraded: unknown[] = [];
  let recovered = 0;

  beforeAll(async () => {
    redis = await startRedis();
    config = testConfig({ STORE: 'redis', REDIS_URL: redis.url });
    const stores = createStores(config, { onDegraded: (err) => degraded.push(err), onRecovered: () => recovered++ });
    bot = await assemble(config, stores);
  });

  afterAll(async () => {
    await peer?.close();
    await bot?.close();
    await redis?.stop();
  });

  it('keeps answering from process memory, refuses what it cannot save, reports the outage once, and goes back to Redis when it returns', async () => {
    const b = bot!;
    const t = b.texts.t('en');
    expect(b.stores.kind).toBe('redis');
    const open = (await b.chat({ sessionId: 'before', text: 'Is OMAC Torrellano open?', channel: 'web' })).reply.text;
    expect(open).toContain(statusText(b, 'elche-torrellano', 'en'));
    expect(degraded).toHaveLength(0);

    await redis.stop();
    const down = Date.now();
    // A conversation during the outage: answers keep coming and the context holds (in memory).
    const first = await b.chat({ sessionId: 'during', text: 'Is the Varese office of ATS Insubria open?', channel: 'web' });
    expect(first.nlu.entities.office).toBe('ats-insubria-varese');
    const second = await b.chat({ sessionId: 'during', text: 'and what is the phone number?', channel: 'web' });
    expect(second.nlu).toMatchObject({ intent: 'contact_phone', entities: { office: 'ats-insubria-varese' } });
    expect(second.reply.text).toContain('0332/277.111');
    expect(Date.now() - down).toBeLessThan(3_000); // a dead Redis costs at most a short timeout, not a hang
    // Every other record is refused, and said to be: a subscription, a status change, the inbox.
    const sub = await b.chat({ sessionId: 'during-sub', text: 'notify me when OMAC El Altet reopens', channel: 'web' });
    expect(sub.nlu.intent).toBe('subscribe_updates');
    expect(sub.reply.text).toBe(t('subscribe.failed'));
    await expect(b.live.update('elche-el-altet', { status: 'open' }, 'test')).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(b.knowledge.office('elche-el-altet')?.status).toBe('reopening');
    expect(await webInbox(b.stores.inbox).takeNotifications('during-sub')).toEqual([]);
    await b.stats.flush(); // kept for a later flush, not thrown away
    for (let i = 0; i < 20; i++) {
      const r = await b.chat({ sessionId: `during-${i % 3}`, text: i % 2 ? '¿Está abierta la OMAC de Torrellano?' : 'hej', channel: 'web' });
      expect(r.reply.text.length).toBeGreaterThan(0);
    }
    expect(b.outages).toEqual(['store']);
    // Sessions and records failed, one report.
    expect(degraded).toHaveLength(1);
    expect(recovered).toBe(0);

    // Redis comes back on the same port (empty: no persistence).
    redis = await startRedis(redis.port);
    await until('the recovered event', () => recovered > 0, 15_000);
    expect(recovered).toBe(1);
    expect(degraded).toHaveLength(1);
    expect(b.outages).toEqual([]);

    // Written right after the recovery: in Redis, so another instance sees it.
    const after = await b.chat({ sessionId: 'after', text: 'Is the Varese office of ATS Insubria open?', channel: 'web' });
    expect(after.nlu.entities.office).toBe('ats-insubria-varese');
    await b.live.update('elche-el-altet', { status: 'closed' }, 'test');
    peer = await assemble(config);
    expect(await peer.stores.sessions.get('web:after')).toMatchObject({ office: 'ats-insubria-varese' });
    const followUp = await peer.chat({ sessionId: 'after', text: 'and what is the phone number?', channel: 'web' });
    expect(followUp.nlu).toMatchObject({ intent: 'contact_phone', entities: { office: 'ats-insubria-varese' } });
    expect(peer.knowledge.office('elche-el-altet')?.status).toBe('closed');
    expect((await peer.live.auditLog()).map((e) => e.after.status)).toEqual(['closed']);
    // Still one outage, one recovery.
    await sleep(1_500);
    expect(degraded).toHaveLength(1);
    expect(recovered).toBe(1);
  });
});

describe('fault: the Telegram Bot API fails, rate-limits or times out', () => {
  const api = new FakeBotApi();
  let bot: ChatCore;
  let app: FastifyInstance;
  let channel: TelegramChannel;

  beforeAll(async () => {
    const config = loadConfig({ LOG_LEVEL: 'silent', STORE: 'memory', NLU_ENCODER: 'ngram', TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_API_ROOT: await api.start() });
    bot = await assemble(config);
    app = buildApp({ bot });
    channel = await startTelegram(bot, config, app, silentLogger);
    await api.waitFor((c) => c.method === 'getUpdates');
  });

  afterAll(async () => {
    await channel?.stop();
    await app?.close();
    await api.close();
    await bot?.close();
  });

  const toChat = (chatId: number) => (c: ApiCall) => c.method === 'sendMessage' && Number(c.payload.chat_id) === chatId;
  const pollsAfter = (at: number) => api.callsOf('getUpdates').filter((c) => c.at > at && c.status === 200);

  /** After the faults: the answer is delivered once, and polling went on afterwards. */
  async function deliveredOnce(chatId: number, statuses: number[]): Promise<ApiCall> {
    const attempts = await api.waitFor(toChat(chatId), statuses.length, 20_000);
    await sleep(400); // room for a duplicate to show up
    expect(api.calls.filter(toChat(chatId)).map((c) => c.status)).toEqual(statuses);
    expect(api.sent(chatId)).toHaveLength(1);
    const delivered = attempts.at(-1)!;
    await until('a getUpdates after the delivery', () => pollsAfter(delivered.at).length > 0, 20_000);
    return delivered;
  }

  it('retries a sendMessage answered 500, then 429, and delivers it once', async () => {
    api.failNext('sendMessage', 500);
    api.failNext('sendMessage', 429, 1);
    api.message(3001, '¿Está abierta la OMAC de Torrellano?', 'es');
    const delivered = await deliveredOnce(3001, [500, 429, 200]);
    expect(String(delivered.payload.text)).toContain('Torrellano');
  });

  it('retries a sendMessage that timed out (hung up unanswered) and delivers it once', async () => {
    api.hangNext('sendMessage', 1_500, 'drop');
    api.message(3002, '/offices', 'en');
    const delivered = await deliveredOnce(3002, [0, 200]);
    expect(String(delivered.payload.text)).toContain('Torrellano'); // the status board lists every office
  });

  it('waits for a slow sendMessage without sending it twice', async () => {
    api.hangNext('sendMessage', 2_000, 'answer');
    api.message(3003, 'hej', 'sv');
    const delivered = await deliveredOnce(3003, [200]);
    expect(String(delivered.payload.text)).toBe(await coreAnswer(bot, 'greeting', 'sv'));
  });

  it('keeps polling through getUpdates timing out, answered 429 and 500, and answers the message queued meanwhile once', async () => {
    const start = Date.now();
    // The next polls: one hung up after 1 s unanswered, then a 429 (retry after 1 s), then a 500.
    api.hangNext('getUpdates', 1_000, 'drop');
    api.failNext('getUpdates', 429, 1);
    api.failNext('getUpdates', 500);
    await api.waitFor((c) => c.method === 'getUpdates' && c.at >= start && c.status === 0, 1, 5_000);
    // Queued while polling fails.
    api.message(3004, 'Is OMAC Torrellano open?', 'en');
    const delivered = await deliveredOnce(3004, [200]);
    expect(String(delivered.payload.text)).toContain(statusText(bot, 'elche-torrellano', 'en'));
    // Each fault was met and followed by another getUpdates: polling never stopped.
    const polls = api.callsOf('getUpdates').filter((c) => c.at >= start);
    const failed = polls.filter((c) => c.status !== 200);
    expect(failed.map((c) => c.status)).toEqual([0, 429, 500]);
    for (const f of failed) expect(polls.slice(polls.indexOf(f) + 1).some((c) => c.status === 200)).toBe(true);
    // 429 honoured its retry_after.
    const [, tooMany, failing] = failed;
    expect(failing.at - tooMany.at).toBeGreaterThanOrEqual(950);
    expect(channel.isRunning()).toBe(true);
  });

  it('still serves a normal message after all that, at once', async () => {
    const sent = Date.now();
    api.message(3005, '/help', 'en');
    const [reply] = await api.waitFor(toChat(3005), 1, 5_000);
    expect(reply.status).toBe(200);
    expect(reply.at - sent).toBeLessThan(2_000);
  });
});

describe('fault: a knowledge file corrupted at runtime', () => {
  let dir: string;
  let bot: ChatCore;
  const errors: unknown[] = [];
  let reloads = 0;
  const offices = () => path.join(dir, 'offices.yaml');
  const ask = async (text = 'Is OMAC Torrellano open?') => (await bot.chat({ sessionId: `kb-${Math.random()}`, text, channel: 'web' })).reply.text;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knowledge-'));
    fs.cpSync(path.join(ROOT, 'knowledge'), dir, { recursive: true });
    bot = await assemble(testConfig({ KNOWLEDGE_DIR: dir }));
    bot.live.watch(
      (err) => errors.push(err),
      () => reloads++,
    );
  });

  afterAll(async () => {
    await bot?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the last good knowledge base in service, and picks up the next valid edit', async () => {
    const t = bot.texts.t('en');
    const isOpen = statusText(bot, 'elche-torrellano', 'en');
    const isClosed = t('status.no_closed', officeNames(bot, 'elche-torrellano', 'en')); // "is it open?": no, first
    expect(await ask()).toContain(isOpen);
    const good = fs.readFileSync(offices(), 'utf8');

    // Half a file with garbage on the end: a YAML syntax error.
    fs.writeFileSync(offices(), `${good.slice(0, Math.floor(good.length / 2))}\n  - id: [unclosed\n\t\u0000}}}: :`);
    await until('the reload error', () => errors.length >= 1);
    expect(String((errors[0] as Error).message)).toMatch(/offices\.yaml/);
    expect(await ask()).toContain(isOpen);
    expect(await ask('¿Está abierta la OMAC de Torrellano?')).toContain('Torrellano');

    // Valid YAML, invalid knowledge: an unknown status.
    const errorsBefore = errors.length;
    fs.writeFileSync(offices(), good.replace(/(id: elche-torrellano[\s\S]*?status: )open/, '$1maybe'));
    await until('the second reload error', () => errors.length > errorsBefore);
    expect(await ask()).toContain(isOpen);

    // Emptied (a truncated save): every reference to an office breaks, refused too.
    const errorsThen = errors.length;
    fs.writeFileSync(offices(), '');
    await until('the third reload error', () => errors.length > errorsThen);
    expect(await ask()).toContain(isOpen);
    expect(bot.knowledge.offices.length).toBeGreaterThan(1);
    expect(reloads).toBe(0);

    // A valid edit: OMAC Torrellano closes.
    const edited = good.replace(/(id: elche-torrellano[\s\S]*?status: )open/, '$1closed');
    expect(edited).not.toBe(good);
    fs.writeFileSync(offices(), edited);
    await until('the reload', () => reloads >= 1);
    const answer = await ask();
    expect(answer).toContain(isClosed);
    expect(answer).not.toContain(isOpen);
  });
});
