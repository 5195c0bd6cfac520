import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import { testConfig } from '../support/helpers.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

// /health/live and /health/ready as an orchestrator sees them, on a real redis-server.

const ready = async (app: FastifyInstance) => {
  const res = await app.inject({ method: 'GET', url: '/health/ready' });
  return { status: res.statusCode, body: res.json() as { status: string; reason?: string; checks: Record<string, string> } };
};
const live = async (app: FastifyInstance) => (await app.inject({ method: 'GET', url: '/health/live' })).statusCode;

describe('/health/ready while the bot starts', () => {
  it('is 503 with the reason until the core is there, then 200; /health/live is 200 throughout', async () => {
    let core: ChatCore | undefined;
    const app = buildApp({ bot: () => core });
    await app.ready();
    const starting = await ready(app);
    expect(starting.status).toBe(503);
    expect(starting.body).toMatchObject({ status: 'not ready', checks: { nlu: 'starting', knowledge: 'starting', store: 'starting' } });
    expect(starting.body.reason).toContain('nlu: starting');
    expect(await live(app)).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(503); // as before

    core = await assemble(testConfig({ STORE: 'sqlite' }));
    const up = await ready(app);
    expect(up).toEqual({ status: 200, body: { status: 'ready', checks: { nlu: 'ok', knowledge: 'ok', store: 'ok' } } });
    expect(await live(app)).toBe(200);
    await app.close();
    await core.close();
  });
});

describe('/health/ready on Redis', () => {
  let redis: RedisServer;
  let bot: ChatCore;
  let app: FastifyInstance;
  beforeAll(async () => {
    redis = await startRedis();
    bot = await assemble(testConfig({ STORE: 'redis', REDIS_URL: redis.url }));
    app = buildApp({ bot });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await bot?.close();
    await redis?.stop();
  });

  it('is 200 while Redis answers', async () => {
    expect(await ready(app)).toMatchObject({ status: 200, body: { status: 'ready' } });
  });

  it('is 503 while Redis is paused (answers nothing), and 200 again once it runs', async () => {
    redis.pause();
    try {
      const down = await ready(app);
      expect(down.status).toBe(503);
      expect(down.body.checks).toMatchObject({ nlu: 'ok', knowledge: 'ok' });
      expect(down.body.reason).toMatch(/^store: /);
      expect(await live(app)).toBe(200);
    } finally {
      redis.resume();
    }
    // The store notices Redis is back within its probe interval (1 s).
    await expect.poll(async () => (await ready(app)).status, { timeout: 10_000, interval: 250 }).toBe(200);
  });

  it('is 503 once Redis is stopped (the chat still answers from memory), and 200 when it is back', async () => {
    await redis.stop();
    const down = await ready(app);
    expect(down.status).toBe(503);
    expect(down.body.reason).toContain('redis store is unreachable');
    const chat = await app.inject({ method: 'POST', url: '/api/chat', payload: { sessionId: 'h-1', text: 'hola' } });
    expect(chat.statusCode).toBe(200);
    expect(await live(app)).toBe(200);
    // Back on the same port (empty: no persistence).
    redis = await startRedis(redis.port);
    await expect.poll(async () => (await ready(app)).status, { timeout: 15_000, interval: 250 }).toBe(200);
  });
});
