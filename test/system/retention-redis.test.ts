import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStores, DAY_MS, emptyDay, type Stores } from '../../src/storage/index.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

/**
 * Retention (#18) on a real redis-server. A web chat's inbox and an unanswered question's texts
 * carry a Redis expiry (the server drops them on its own clock, so the test writes them "in the
 * past" with the bot's clock); web subscriptions end by a sorted set of ends that every
 * subscription call purges with the bot's clock (Redis 7.0 has no expiry on a hash field).
 */
const web = { channel: 'web', id: 'browser-1' } as const;
const telegram = { channel: 'telegram', id: '4242' } as const;
const OFFICE = 'elche-el-altet';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let redis: RedisServer;
let raw: Redis;
let stores: Stores;
let offset = 0; // the bot's clock, from the real one
beforeAll(async () => {
  redis = await startRedis();
  raw = new Redis(redis.url);
  stores = createStores({ STORE: 'redis', REDIS_URL: redis.url, DATA_DIR: '/nonexistent' }, undefined, () => Date.now() + offset);
});
afterAll(async () => {
  await stores?.close();
  raw?.disconnect();
  await redis?.stop();
});

describe('retention on Redis', () => {
  it('ends a web subscription after 30 days, everywhere it is kept; a Telegram one stays', async () => {
    offset = 0;
    await stores.subscriptions.add(OFFICE, web, 'ca');
    await stores.subscriptions.add(OFFICE, telegram, 'es');
    // The address's set of offices expires with it (for a browser that never comes back).
    const ttl = await raw.pttl('chatbot:sub:address:web:browser-1');
    expect(ttl).toBeGreaterThan(30 * DAY_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(30 * DAY_MS);
    expect(await raw.pttl('chatbot:sub:address:telegram:4242')).toBe(-1);
    offset = 30 * DAY_MS - 5_000;
    expect(await stores.subscriptions.subscribers(OFFICE)).toHaveLength(2);
    expect(await stores.subscriptions.count(OFFICE)).toBe(2);
    offset = 30 * DAY_MS + 1;
    expect(await stores.subscriptions.subscribers(OFFICE)).toEqual([{ address: telegram, lang: 'es' }]);
    expect(await stores.subscriptions.count(OFFICE)).toBe(1);
    expect(await stores.subscriptions.offices(web)).toEqual([]);
    expect(await raw.hkeys(`chatbot:sub:office:${OFFICE}`)).toEqual(['telegram:4242']);
    expect(await raw.smembers('chatbot:sub:address:web:browser-1')).toEqual([]);
    expect(await raw.zcard('chatbot:sub:ends')).toBe(0);
    offset = 400 * DAY_MS;
    expect(await stores.subscriptions.offices(telegram)).toEqual([OFFICE]);
  });

  it('renews a web subscription asked for again; erasure removes its end too', async () => {
    offset = 0;
    await stores.subscriptions.add('elche-centro', web, 'ca');
    offset = 20 * DAY_MS;
    expect(await stores.subscriptions.add('elche-centro', web, 'ca')).toBe(false);
    offset = 49 * DAY_MS;
    expect(await stores.subscriptions.offices(web)).toEqual(['elche-centro']);
    expect(await stores.subscriptions.remove(web)).toBe(1);
    expect(await raw.zcard('chatbot:sub:ends')).toBe(0);
  });

  it('lets Redis drop a web inbox 30 days after its latest notice', async () => {
    offset = 0;
    await stores.inbox.push('browser-1', 'c1', 'a notice');
    const ttl = await raw.pttl('chatbot:inbox:browser-1');
    expect(ttl).toBeGreaterThan(30 * DAY_MS - 60_000);
    // Written "30 days ago": Redis drops it at once. Written 30 days less 1.5 s ago: 1.5 s later.
    offset = -30 * DAY_MS;
    await stores.inbox.push('browser-2', 'c1', 'a notice');
    expect(await stores.inbox.count('browser-2')).toBe(0);
    offset = -30 * DAY_MS + 1500;
    await stores.inbox.push('browser-3', 'c1', 'a notice');
    expect(await stores.inbox.count('browser-3')).toBe(1);
    await sleep(2000);
    expect(await stores.inbox.take('browser-3')).toEqual([]);
    expect(await raw.exists('chatbot:inbox:browser-3')).toBe(0);
    expect(await stores.inbox.take('browser-1')).toEqual(['a notice']);
  });

  it('keeps at most 50 unread notices per web session, the newest, and renews the inbox without rewriting them (#33, 5)', async () => {
    offset = 0;
    for (let i = 0; i < 60; i++) await stores.inbox.push('capped', `change-${String(i).padStart(3, '0')}`, `notice ${i}`);
    expect(await raw.hlen('chatbot:inbox:capped')).toBe(50);
    expect(await raw.pttl('chatbot:inbox:capped')).toBeGreaterThan(30 * DAY_MS - 60_000);
    const texts = await stores.inbox.take('capped');
    expect([texts.length, texts[0], texts.at(-1)]).toEqual([50, 'notice 10', 'notice 59']);
  });

  it("keeps unanswered questions' texts 90 days (a Redis expiry), their counts always", async () => {
    offset = 0;
    const today = new Date().toISOString().slice(0, 10);
    const add = (text: string) => ({
      ...emptyDay(),
      total: 1,
      intents: { out_of_scope: 1 },
      unanswered: [{ at: new Date().toISOString(), lang: 'it', intent: 'out_of_scope', confidence: 0.1, text }],
    });
    await stores.stats.add(today, add('che tempo fa?'));
    const expiry = (await raw.pexpiretime(`chatbot:stats:${today}:unanswered`)) as number;
    expect(expiry).toBe(Date.parse(`${today}T00:00:00Z`) + 91 * DAY_MS);
    offset = 91 * DAY_MS;
    expect(await stores.stats.day(today)).toMatchObject({ total: 1, intents: { out_of_scope: 1 }, unanswered: [] });
    // A day already past keeping takes counts and no texts.
    offset = 0;
    const old = new Date(Date.now() - 95 * DAY_MS).toISOString().slice(0, 10);
    await stores.stats.add(old, add('vecchia domanda'));
    expect(await raw.exists(`chatbot:stats:${old}:unanswered`)).toBe(0);
    expect(await stores.stats.day(old)).toMatchObject({ total: 1, unanswered: [] });
  });
});
