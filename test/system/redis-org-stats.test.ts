import type { FastifyInstance } from 'fastify';
import { createClient } from '@keyv/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import { localDay } from '../../src/features/insights/stats.js';
import { testConfig } from '../support/helpers.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

/**
 * Finding 1 of issue #33: statistics of a conversation with an organisation (counted under
 * `<day>@<org>`) made Redis refuse the whole MULTI (an expiry of NaN), and any refused command
 * took the store for unreachable until the next ping: /health/ready flapped 503.
 */
const TOKEN = 'org-stats-admin-token-0123456789';
let redis: RedisServer;
let bot: ChatCore;
let app: FastifyInstance;

beforeAll(async () => {
  redis = await startRedis();
  bot = await assemble(testConfig({ STORE: 'redis', REDIS_URL: redis.url, ADMIN_TOKEN: TOKEN }));
  app = buildApp({ bot, adminToken: TOKEN });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await bot?.close();
  await redis?.stop();
});

const today = () => new Date().toISOString().slice(0, 10);
const orgs = ['elche', 'paiporta', 'ats-insubria'];
/** Not understood: kept with its text, under the day and under `<day>@<org>`. */
const unanswered = (i: number) =>
  app.inject({ method: 'POST', url: '/api/chat', payload: { text: `zorblax quimbo flurp ${i}`, org: orgs[i % orgs.length] } });

describe('per-organisation statistics on Redis', () => {
  it('are written, with their texts expiring after STATS_TEXT_DAYS, and /health/ready never fails meanwhile', async () => {
    // The path under test: a flush with per-organisation unanswered questions. 10 s of it, one flush
    // every 200 ms (the bot's own flush runs every 5 s): ~50 such flushes, each of which failed before,
    // where 60 s of real traffic makes 12. /health/ready is polled every 100 ms, as a busy orchestrator would.
    const until = Date.now() + 10_000;
    let flushes = 0;
    let polls = 0;
    const refused: string[] = [];
    const poll = async () => {
      while (Date.now() < until) {
        const res = await app.inject({ method: 'GET', url: '/health/ready' });
        polls++;
        if (res.statusCode !== 200) refused.push(res.body);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const traffic = async () => {
      for (let i = 0; Date.now() < until; i++) {
        expect((await unanswered(i)).statusCode).toBe(200);
        if (i % 2 === 1) {
          await bot.stats.flush();
          flushes++;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    };
    await Promise.all([poll(), traffic()]);
    expect(flushes).toBeGreaterThanOrEqual(30);
    expect(polls).toBeGreaterThanOrEqual(50);
    expect(refused).toEqual([]);
    expect(bot.stores.degraded).toBe(false);

    // Counted per organisation, texts included, and readable through the API.
    for (const org of orgs) {
      const stats = await bot.stats.query(today(), today(), [org], true);
      expect(stats.total).toBeGreaterThanOrEqual(flushes / 3);
      expect(stats.unanswered.length).toBeGreaterThan(0);
    }
    const res = await app.inject({ method: 'GET', url: '/api/admin/stats', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(200);
    expect(res.json().total).toBeGreaterThanOrEqual(flushes);

    // The texts of `<day>@elche` (Elche's own day) expire with the day's (STATS_TEXT_DAYS + 1 days after its start).
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      const day = localDay(new Date(), 'Europe/Madrid');
      const at = await client.pExpireTime(`chatbot:stats:${day}@elche:unanswered`);
      expect(at).toBe(Date.parse(`${day}T00:00:00Z`) + 91 * 86_400_000);
    } finally {
      await client.close();
    }
  });

  it('a command Redis refuses fails alone: the store stays up and the next command works', async () => {
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      // The audit log is a list: a string under its key makes LRANGE fail with WRONGTYPE.
      await client.set('chatbot:audit', 'not a list');
      await expect(bot.stores.audit.list()).rejects.toThrow(/WRONGTYPE/);
      expect(bot.stores.degraded).toBe(false);
      expect(await bot.stores.status.all(['elche-altabix'])).toBeInstanceOf(Map);
      expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
    } finally {
      await client.del('chatbot:audit');
      await client.close();
    }
  });
});
