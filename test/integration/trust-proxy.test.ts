import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import { testConfig } from '../support/helpers.js';
import { addStaff } from '../support/staff.js';

/**
 * Finding 4 of issue #33: with TRUST_PROXY=true the client's address was the first
 * X-Forwarded-For entry, which the client writes: rotating it passed every limit, and naming
 * someone else's address locked them out of the console for 900 s.
 */
const TOKEN = 'proxy-admin-token-0123456789';
const open: { bot: ChatCore; app: FastifyInstance }[] = [];

async function start(trustProxy: string) {
  const config = testConfig({ ADMIN_TOKEN: TOKEN, TRUST_PROXY: trustProxy, RATE_LIMIT_PER_MINUTE: '5' });
  const bot = await assemble(config);
  const app = buildApp({ bot, adminToken: TOKEN, trustProxy: config.TRUST_PROXY, rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE });
  app.get('/test/ip', async (request) => ({ ip: request.ip }));
  await app.ready();
  open.push({ bot, app });
  return app;
}
afterEach(async () => {
  for (const { bot, app } of open.splice(0)) {
    await app.close();
    await bot.close();
  }
});

/** A request as the proxy on 127.0.0.1 forwards it: the client's own X-Forwarded-For, then the address the proxy saw. */
const viaProxy = (app: FastifyInstance, clientWrote: string | undefined, proxySaw: string, url = '/test/ip', payload?: object) =>
  app.inject({
    method: payload ? 'POST' : 'GET',
    url,
    remoteAddress: '127.0.0.1',
    headers: { 'x-forwarded-for': clientWrote ? `${clientWrote}, ${proxySaw}` : proxySaw },
    ...(payload ? { payload } : {}),
  });

describe('TRUST_PROXY', () => {
  it('true is one hop: the address the proxy saw, whatever the client wrote before it', async () => {
    const app = await start('true');
    expect((await viaProxy(app, '1.2.3.4', '203.0.113.5')).json().ip).toBe('203.0.113.5');
    // Rotating the first entry passes no limit: five chats a minute, then 429.
    const codes = [];
    for (let i = 0; i < 7; i++) codes.push((await viaProxy(app, `10.0.0.${i}`, '203.0.113.5', '/api/chat', { text: 'hola' })).statusCode);
    expect(codes).toEqual([200, 200, 200, 200, 200, 429, 429]);
  });

  it('nobody can lock another address out of the console by naming it', async () => {
    const app = await start('true');
    await addStaff(app, TOKEN, { username: 'ana', role: 'editor', orgs: ['paiporta'] });
    const login = (password: string, clientWrote: string | undefined, proxySaw: string) =>
      viaProxy(app, clientWrote, proxySaw, '/api/staff/session', { username: 'ana', password });
    for (let i = 0; i < 8; i++) await login('not the password', '198.51.100.7', '203.0.113.66');
    expect((await login('correct horse battery', undefined, '198.51.100.7')).statusCode).toBe(200);
    expect((await login('correct horse battery', undefined, '203.0.113.66')).statusCode).toBe(429);
  });

  it("a number of hops, or the proxies' addresses: an untrusted peer's header is ignored", async () => {
    const hops = await start('2');
    expect((await viaProxy(hops, '1.2.3.4, 198.51.100.1', '203.0.113.5')).json().ip).toBe('198.51.100.1');
    const listed = await start('127.0.0.1, 10.0.0.0/8');
    expect((await viaProxy(listed, '1.2.3.4, 10.1.2.3', '203.0.113.5')).json().ip).toBe('203.0.113.5');
    const direct = await listed.inject({ method: 'GET', url: '/test/ip', remoteAddress: '192.0.2.10', headers: { 'x-forwarded-for': '1.2.3.4' } });
    expect(direct.json().ip).toBe('192.0.2.10');
  });

  it('refuses a value that is neither a switch, a number of hops nor addresses', () => {
    expect(testConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(testConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(testConfig({ TRUST_PROXY: '::1,fd00::/8' }).TRUST_PROXY).toEqual(['::1', 'fd00::/8']);
    for (const bad of ['yes', '10.0.0.0/33', 'proxy.example.org', '999']) expect(() => testConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
  });
});
