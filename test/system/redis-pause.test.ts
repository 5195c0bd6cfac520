import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import { testConfig } from '../support/helpers.js';
import { webSubscribed } from '../support/texts.js';
import { startRedis } from '../support/redis-server.js';
import { webInbox } from '../../src/features/webchat/inbox.js';

/**
 * Redis hangs (SIGSTOP: connections open, nothing answers) and comes back (SIGCONT). Whatever
 * the bot acknowledged meanwhile is there afterwards and notified; whatever it did not take it
 * said it did not.
 */
const TOKEN = 'pause-admin-token-0123456789';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let redis: Awaited<ReturnType<typeof startRedis>>;
let bot: ChatCore;
let app: FastifyInstance;
let peer: ChatCore | undefined;

beforeAll(async () => {
  redis = await startRedis();
  bot = await assemble(testConfig({ STORE: 'redis', REDIS_URL: redis.url, ADMIN_TOKEN: TOKEN }));
  app = buildApp({ bot, adminToken: TOKEN });
  await app.ready();
});
afterAll(async () => {
  redis?.resume();
  await app?.close();
  await bot?.close();
  await peer?.close();
  await redis?.stop();
});

const patch = (office: string, status: string) =>
  app.inject({ method: 'PATCH', url: `/api/admin/offices/${office}`, headers: { authorization: `Bearer ${TOKEN}` }, payload: { status } });

describe('Redis paused and resumed', () => {
  it('keeps every acknowledged subscription and status change, and refuses the rest in so many words', async () => {
    const t = bot.texts.t('en');
    // A watcher of each office, subscribed before the pause: it must hear of every change acknowledged.
    const offices = ['elche-el-altet', 'elche-altabix', 'paiporta-oficina-unica'];
    for (const office of offices) await bot.subscriptions.add(office, { channel: 'web', id: `watch-${office}` }, 'en');

    redis.pause();
    const subscriptions: { id: string; acknowledged: boolean }[] = [];
    const changes: { office: string; status: string; acknowledged: boolean }[] = [];
    const started = Date.now();
    for (let i = 0; i < 5; i++) {
      const r = await bot.chat({ sessionId: `paused-sub-${i}`, text: 'notify me when the Oficina Única de Paiporta changes', channel: 'web' });
      expect([webSubscribed(bot, 'paiporta-oficina-unica', 'en'), t('subscribe.failed')]).toContain(r.reply.text);
      subscriptions.push({ id: `paused-sub-${i}`, acknowledged: r.reply.text !== t('subscribe.failed') });
    }
    for (const [office, status] of [['elche-el-altet', 'open'], ['elche-altabix', 'closed']]) {
      const res = await patch(office, status);
      expect([200, 503]).toContain(res.statusCode);
      changes.push({ office, status, acknowledged: res.statusCode === 200 });
    }
    // The conversation itself goes on meanwhile (sessions in process memory).
    expect((await bot.chat({ sessionId: 'paused-q', text: 'Is OMAC Torrellano open?', channel: 'web' })).reply.text).toContain('OMAC Torrellano');
    expect(bot.outages).toContain('store');
    const pausedMs = Date.now() - started;
    redis.resume();

    // Back: the outage ends, and a change made now is taken and notified.
    for (let i = 0; i < 100 && bot.outages.length; i++) await sleep(100);
    expect(bot.outages).toEqual([]);
    const after = await patch('paiporta-oficina-unica', 'closed');
    expect(after.statusCode).toBe(200);
    changes.push({ office: 'paiporta-oficina-unica', status: 'closed', acknowledged: true });
    const sub = await bot.chat({ sessionId: 'after-sub', text: 'notify me when the Oficina Única de Paiporta changes', channel: 'web' });
    expect(sub.reply.text).toBe(webSubscribed(bot, 'paiporta-oficina-unica', 'en'));
    subscriptions.push({ id: 'after-sub', acknowledged: true });

    peer = await assemble(testConfig({ STORE: 'redis', REDIS_URL: redis.url }));
    const kept = (await peer.subscriptions.subscribers('paiporta-oficina-unica')).map((s) => s.address.id);
    for (const s of subscriptions.filter((x) => x.acknowledged)) expect(kept, s.id).toContain(s.id);
    await bot.notifier.drain();
    for (const c of changes.filter((x) => x.acknowledged)) {
      expect(peer.knowledge.office(c.office)?.status, c.office).toBe(c.status);
      const notices = await webInbox(peer.stores.inbox).takeNotifications(`watch-${c.office}`);
      expect(notices.length, `notice of ${c.office}`).toBeGreaterThanOrEqual(1);
    }
    console.log(`paused ${pausedMs} ms:`, { subscriptions, changes });
  });
});
