import net from 'node:net';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp, serveMetrics } from '../../src/app/http.js';
import { testConfig } from '../support/helpers.js';

// The smaller findings of #18: trickled requests, /metrics, the admin API's refusals.

const ADMIN_TOKEN = 'hardening-admin-token-0123456789';
const METRICS_TOKEN = 'hardening-metrics-token-0123456789';
const lines: string[] = [];
const sink = new Writable({
  write(chunk, _enc, done) {
    lines.push(chunk.toString());
    done();
  },
});

let bot: ChatCore;
let app: FastifyInstance;
let port: number;
beforeAll(async () => {
  bot = await assemble(testConfig());
  app = buildApp({ bot, adminToken: ADMIN_TOKEN, metricsToken: METRICS_TOKEN, logger: pino({ level: 'info' }, sink) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await app?.close();
  await bot?.close();
});

/** Sends `head` and then one byte of `rest` every 400 ms; resolves when the server closes the connection. */
function trickle(head: string, rest: string): Promise<{ ms: number; answer: string }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    let i = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (i < rest.length && socket.writable) socket.write(rest[i++]);
      }, 400);
    });
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('error', () => {}); // a reset is a cut too
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ ms: Date.now() - started, answer });
    });
    setTimeout(() => reject(new Error('the server held the connection for 30 s')), 30_000).unref();
  });
}

describe('a request trickled one byte at a time', () => {
  it('is cut at 10 s, body or headers, and the server goes on serving', { timeout: 40_000 }, async () => {
    const body = JSON.stringify({ text: 'x'.repeat(200) });
    const [bodyTrickle, headerTrickle] = await Promise.all([
      trickle(`POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`, body),
      trickle('GET /health HTTP/1.1\r\n', 'X-Slow: '.concat('a'.repeat(200))),
    ]);
    for (const [what, cut] of [['body', bodyTrickle], ['headers', headerTrickle]] as const) {
      expect(cut.ms, what).toBeGreaterThanOrEqual(9_500);
      expect(cut.ms, what).toBeLessThan(12_000);
      expect(cut.answer, what).toMatch(/^HTTP\/1\.1 408/);
    }
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  });
});

describe('/metrics', () => {
  it('is refused without its token, and served with it', async () => {
    for (const authorization of [undefined, 'Bearer wrong-wrong-wrong-wrong', METRICS_TOKEN, `Bearer ${ADMIN_TOKEN}`]) {
      const res = await app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
      expect(res.statusCode, authorization).toBe(401);
      expect(res.body).not.toContain('chatbot_');
    }
    const ok = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('chatbot_http_requests_total');
  });

  it('is off on the web server without METRICS_TOKEN', async () => {
    const plain = buildApp({ bot });
    const res = await plain.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toMatch(/METRICS_TOKEN/);
    await plain.close();
  });

  it('on METRICS_PORT listens on localhost only, and takes the token when one is set', async () => {
    const open = await serveMetrics({ bot, port: 0 });
    const guarded = await serveMetrics({ bot, port: 0, token: METRICS_TOKEN });
    try {
      const at = (server: FastifyInstance) => server.server.address() as AddressInfo;
      expect(at(open).address).toBe('127.0.0.1');
      expect(at(guarded).address).toBe('127.0.0.1');
      const get = (server: FastifyInstance, headers: Record<string, string> = {}) => fetch(`http://127.0.0.1:${at(server).port}/metrics`, { headers });
      const served = await get(open);
      expect(served.status).toBe(200);
      expect(await served.text()).toContain('chatbot_intents_total');
      expect((await get(guarded)).status).toBe(401);
      expect((await get(guarded, { authorization: `Bearer ${METRICS_TOKEN}` })).status).toBe(200);
      // Nothing else there.
      expect((await fetch(`http://127.0.0.1:${at(open).port}/api/admin/offices`)).status).toBe(404);
    } finally {
      await open.close();
      await guarded.close();
    }
  });
});

describe('the admin API', () => {
  const admin = (url: string, headers: Record<string, string> = {}, remoteAddress = '10.1.0.1') => app.inject({ method: 'GET', url, headers, remoteAddress });
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

  it('authenticates before routing: an unknown path is 401 without the token, 404 with it', async () => {
    for (const url of ['/api/admin/x', '/api/admin/', '/api/admin/offices/elche-centro/history', '/api/admin', '/api/admin/stats/extra']) {
      expect((await admin(url)).statusCode, url).toBe(401);
    }
    const known = await admin('/api/admin/x', auth);
    expect(known.statusCode).toBe(404);
    expect(known.json().message).toMatch(/No route/);
  });

  it('answers no-store on every response, refusals and errors too', async () => {
    const responses = [
      await admin('/api/admin/offices', auth),
      await admin('/api/admin/stats', auth),
      await admin('/api/admin/audit', auth),
      await admin('/api/admin/stats?from=yesterday', auth),
      await admin('/api/admin/x', auth),
      await admin('/api/admin/offices'),
      await admin('/api/admin/x'),
    ];
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200, 400, 404, 401, 401]);
    for (const res of responses) expect(res.headers['cache-control'], res.body).toBe('no-store');
  });

  it('logs each refusal with the address only (never the token sent) and limits them per client', async () => {
    const wrong = 'Bearer a-wrong-guess-at-the-token-7f3a';
    lines.length = 0;
    const codes: number[] = [];
    for (let i = 0; i < 35; i++) codes.push((await admin(i % 2 ? '/api/admin/offices' : '/api/admin/nothing-here', { authorization: wrong }, '10.1.0.9')).statusCode);
    expect(codes.slice(0, 30).every((c) => c === 401), codes.join()).toBe(true);
    expect(codes.slice(30).every((c) => c === 429), codes.join()).toBe(true);
    // Staff with the token, from the same address, are not limited; other clients neither.
    expect((await admin('/api/admin/offices', auth, '10.1.0.9')).statusCode).toBe(200);
    expect((await admin('/api/admin/offices', {}, '10.1.0.10')).statusCode).toBe(401);
    const refusals = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'admin request without a valid token');
    expect(refusals.length).toBe(31);
    expect(refusals[0]).toMatchObject({ ip: '10.1.0.9', level: 40 });
    expect(lines.join('')).not.toContain('a-wrong-guess');
    expect(lines.join('')).not.toContain(ADMIN_TOKEN);
  });
});
