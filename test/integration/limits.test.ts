import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import { remember, sessionOf, testConfig } from '../support/helpers.js';

const METRICS_TOKEN = 'metrics-token-0123456789';
let bot: ChatCore;
let app: FastifyInstance;
beforeAll(async () => {
  bot = await assemble(testConfig());
  app = buildApp({ bot, rateLimitPerMinute: 5, metricsToken: METRICS_TOKEN });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await bot.close();
});

const chat = (ip: string, text = 'hola') =>
  app.inject({ method: 'POST', url: '/api/chat', remoteAddress: ip, payload: { sessionId: sessionOf(`limit-${ip}`), text } }).then((res) => {
    if (res.statusCode === 200) remember(`limit-${ip}`, res.json().sessionId); // one conversation per client, as before ids were signed
    return res;
  });

describe('rate limit on /api/chat', () => {
  it('refuses a client past its limit with a JSON 429, and serves other clients', async () => {
    for (let i = 0; i < 5; i++) expect((await chat('10.0.0.1')).statusCode).toBe(200);
    const refused = await chat('10.0.0.1');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().message).toEqual(expect.any(String));
    expect(refused.headers['retry-after']).toBeDefined();
    expect((await chat('10.0.0.2')).statusCode).toBe(200);
  });

  it('does not limit /health', async () => {
    for (let i = 0; i < 10; i++) expect((await app.inject({ method: 'GET', url: '/health', remoteAddress: '10.0.0.1' })).statusCode).toBe(200);
  });
});

describe('GET /metrics', () => {
  it('exposes requests, latency, intents and fallbacks in Prometheus format', async () => {
    await chat('10.0.0.3', 'what is the weather like tomorrow?');
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.body).toMatch(/chatbot_http_requests_total\{method="POST",route="\/api\/chat",status="200"\} \d+/);
    expect(res.body).toMatch(/chatbot_http_request_duration_seconds_bucket/);
    expect(res.body).toMatch(/chatbot_intents_total\{intent="greeting",lang="es",channel="web"\} \d+/);
    expect(res.body).toMatch(/chatbot_fallbacks_total\{lang="en",channel="web"\} 1/);
    expect(res.body).toMatch(/chatbot_telegram_send_errors_total/);
  });
});
