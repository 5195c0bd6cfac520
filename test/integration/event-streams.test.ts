import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import { testConfig } from '../support/helpers.js';

/**
 * Finding 12 of issue #33: event streams had no cap (4,000 open took 45 MB), and three other
 * spellings of a session id's signature were taken for it.
 */
const open: { bot: ChatCore; app: FastifyInstance }[] = [];
afterEach(async () => {
  for (const { bot, app } of open.splice(0)) {
    await app.close();
    await bot.close();
  }
});

async function start(maxEventStreams?: number) {
  const bot = await assemble(testConfig());
  const app = buildApp({ bot, maxEventStreams });
  await app.listen({ host: '127.0.0.1', port: 0 });
  open.push({ bot, app });
  return { app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

/** A new conversation's signed id. */
const sessionOf = async (app: FastifyInstance) => (await app.inject({ method: 'POST', url: '/api/chat', payload: { text: 'hola' } })).json().sessionId as string;

/** Opens an events stream; its status and a way to close it. */
async function stream(base: string, session: string) {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/chat/${session}/events`, { signal: controller.signal });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: res.status === 200 ? '' : await res.text(), close: () => controller.abort() };
}

describe('event streams', () => {
  it('are capped on the instance (MAX_EVENT_STREAMS): past it a 503 with Retry-After, and a place again once one closes', async () => {
    const { app, base } = await start(3);
    const session = await sessionOf(app);
    const streams = [await stream(base, session), await stream(base, session), await stream(base, session)];
    expect(streams.map((s) => s.status)).toEqual([200, 200, 200]);
    const refused = await stream(base, session);
    expect(refused.status).toBe(503);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(JSON.parse(refused.body).message).toMatch(/notifications/);
    streams[0].close();
    let again = refused;
    for (let i = 0; i < 50 && again.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 20));
      again = await stream(base, session);
    }
    expect(again.status).toBe(200);
    for (const s of [...streams, again]) s.close();
  });

  it('are capped per client address: the ninth from one address is a 429', async () => {
    const { app, base } = await start();
    const session = await sessionOf(app);
    const streams = [];
    for (let i = 0; i < 8; i++) streams.push(await stream(base, session));
    expect(streams.every((s) => s.status === 200)).toBe(true);
    const ninth = await stream(base, session);
    expect(ninth.status).toBe(429);
    for (const s of streams) s.close();
  });
});

describe('session ids', () => {
  it("are taken in the one spelling the server wrote: the other spellings of the MAC's last character are not the session", async () => {
    const { app } = await start();
    const token = await sessionOf(app);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(token.at(-1)!);
    // The last of 43 characters carries 4 bits of the MAC and 2 that decode to nothing.
    const others = [1, 2, 3].map((flip) => token.slice(0, -1) + alphabet[last ^ flip]);
    expect(Buffer.from(others[0].split('.')[1], 'base64url')).toEqual(Buffer.from(token.split('.')[1], 'base64url'));
    for (const other of others) {
      expect((await app.inject({ method: 'GET', url: `/api/chat/${other}/notifications` })).statusCode).toBe(403);
      const res = await app.inject({ method: 'POST', url: '/api/chat', payload: { sessionId: other, text: 'hola' } });
      expect(res.json().sessionId).not.toBe(other);
    }
    expect((await app.inject({ method: 'GET', url: `/api/chat/${token}/notifications` })).statusCode).toBe(200);
  });
});
