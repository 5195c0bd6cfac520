import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import { testConfig } from '../support/helpers.js';
import { addStaff, bearer, logIn, withSession } from '../support/staff.js';

const TOKEN = 'staff-admin-token-0123456789';
const open: { bot: ChatCore; app: FastifyInstance }[] = [];

async function start(env: Record<string, string> = {}, trustProxy: false | number = false) {
  const bot = await assemble(testConfig({ ADMIN_TOKEN: TOKEN, ...env }));
  const app = buildApp({ bot, adminToken: TOKEN, trustProxy });
  await app.ready();
  open.push({ bot, app });
  return { bot, app };
}
afterEach(async () => {
  vi.useRealTimers();
  for (const { bot, app } of open.splice(0)) {
    await app.close();
    await bot.close();
  }
});

describe('staff accounts', () => {
  it('are created with the token; passwords are argon2id hashes, never shown', async () => {
    const { app, bot } = await start();
    const res = await app.inject({ method: 'POST', url: '/api/admin/staff', headers: bearer(TOKEN), payload: { username: 'ana', password: 'twelve chars', role: 'editor', orgs: ['paiporta'] } });
    expect(res.statusCode).toBe(201);
    expect(res.json().account).toMatchObject({ username: 'ana', role: 'editor', orgs: ['paiporta'] });
    const list = await app.inject({ method: 'GET', url: '/api/admin/staff', headers: bearer(TOKEN) });
    expect(list.json().accounts.map((a: { username: string }) => a.username)).toEqual(['ana']);
    for (const body of [res.body, list.body]) expect(body).not.toMatch(/twelve chars|argon2|password/i);
    expect((await bot.stores.staff.accounts.get('ana'))!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('keep one admin: the last one is not removed or demoted (409, nothing changed), the one before last is', async () => {
    const { app, bot } = await start();
    const call = (method: 'PATCH' | 'DELETE', username: string, payload?: object) => app.inject({ method, url: `/api/admin/staff/${username}`, headers: bearer(TOKEN), payload });
    await addStaff(app, TOKEN, { username: 'root', role: 'admin' });
    for (const res of [await call('DELETE', 'root'), await call('PATCH', 'root', { role: 'editor', orgs: ['paiporta'] })]) {
      expect(res.statusCode).toBe(409);
      expect(res.json().message).toMatch(/"root" is the last admin/);
    }
    expect((await bot.stores.staff.accounts.get('root'))!.role).toBe('admin');
    await addStaff(app, TOKEN, { username: 'rosa', role: 'admin' });
    expect((await call('PATCH', 'root', { role: 'editor', orgs: ['paiporta'] })).statusCode).toBe(200);
    expect((await call('DELETE', 'rosa')).statusCode).toBe(409); // now the last one
    expect((await call('DELETE', 'root')).statusCode).toBe(204); // an editor now
  });

  it('refuse short passwords, unknown organisations, bad usernames and taken ones', async () => {
    const { app, bot } = await start();
    const post = (payload: object) => app.inject({ method: 'POST', url: '/api/admin/staff', headers: bearer(TOKEN), payload });
    const refusals: [object, number, RegExp][] = [
      [{ username: 'ana', password: 'eleven char', role: 'editor', orgs: ['paiporta'] }, 400, /at least 12 characters/],
      [{ username: 'ana', password: 'twelve chars', role: 'editor', orgs: ['atlantis'] }, 400, /Unknown organisation: atlantis/],
      [{ username: 'ana', password: 'twelve chars', role: 'editor', orgs: [] }, 400, /at least one organisation/],
      [{ username: 'Ana Pérez', password: 'twelve chars', role: 'editor', orgs: ['paiporta'] }, 400, /username/],
      [{ username: 'ana', password: 'twelve chars', role: 'boss', orgs: ['paiporta'] }, 400, /role/],
      [{ username: 'twelvechars1', password: 'twelvechars1', role: 'admin' }, 400, /may not be the username/],
    ];
    for (const [payload, code, message] of refusals) {
      const res = await post(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(code);
      expect(res.json()).toMatchObject({ statusCode: code, error: 'Bad Request' });
      expect(res.json().message).toMatch(message);
    }
    expect(await bot.stores.staff.accounts.list()).toEqual([]);
    expect((await post({ username: 'ana', password: 'twelve chars', role: 'editor', orgs: ['paiporta'] })).statusCode).toBe(201);
    const taken = await post({ username: 'ana', password: 'another password', role: 'admin' });
    expect(taken.statusCode).toBe(409);
    expect((await bot.stores.staff.accounts.get('ana'))!.role).toBe('editor');
  });

  it('are changed and removed; a 404 for one that does not exist', async () => {
    const { app } = await start();
    await addStaff(app, TOKEN, { username: 'ana', role: 'editor', orgs: ['paiporta'] });
    const patch = await app.inject({ method: 'PATCH', url: '/api/admin/staff/ana', headers: bearer(TOKEN), payload: { role: 'viewer', orgs: ['paiporta', 'elche'], lang: 'ca' } });
    expect(patch.statusCode).toBe(200);
    expect(patch.json().account).toMatchObject({ role: 'viewer', orgs: ['paiporta', 'elche'], lang: 'ca' });
    expect((await app.inject({ method: 'PATCH', url: '/api/admin/staff/ana', headers: bearer(TOKEN), payload: { password: 'short' } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'PATCH', url: '/api/admin/staff/nobody', headers: bearer(TOKEN), payload: { role: 'admin' } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: '/api/admin/staff/ana', headers: bearer(TOKEN) })).statusCode).toBe(204);
    expect((await app.inject({ method: 'DELETE', url: '/api/admin/staff/ana', headers: bearer(TOKEN) })).statusCode).toBe(404);
  });
});

describe('staff sessions', () => {
  it('log in with a cookie that is HttpOnly, SameSite=Strict, Path=/, and Secure only over HTTPS', async () => {
    const { app } = await start();
    await addStaff(app, TOKEN, { username: 'ana', role: 'editor', orgs: ['paiporta'] });
    const { res, csrf } = await logIn(app, 'ana');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ username: 'ana', role: 'editor', orgs: ['paiporta'], csrfToken: csrf });
    expect(csrf.length).toBeGreaterThan(20);
    const cookie = res.cookies.find((c) => c.name === 'staff_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie.secure).toBeUndefined();
    expect(Math.abs(cookie.expires!.getTime() - Date.now() - 12 * 3_600_000)).toBeLessThan(5000);
    expect(res.headers['cache-control']).toBe('no-store');
    // Behind a proxy that says the request came over HTTPS, and only when the proxy is trusted.
    const viaProxy = await logIn(app, 'ana', undefined, { 'x-forwarded-proto': 'https' });
    expect(viaProxy.res.cookies.find((c) => c.name === 'staff_session')!.secure).toBeUndefined();
    const trusted = await start({}, 1);
    await addStaff(trusted.app, TOKEN, { username: 'ana', role: 'editor', orgs: ['paiporta'] });
    const secure = await logIn(trusted.app, 'ana', undefined, { 'x-forwarded-proto': 'https' });
    expect(secure.res.cookies.find((c) => c.name === 'staff_session')).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict', path: '/' });
  });

  it('say who is logged in, and log out only with the CSRF token', async () => {
    const { app } = await start();
    await addStaff(app, TOKEN, { username: 'ana', role: 'viewer', orgs: ['elche'] });
    const s = await logIn(app, 'ana');
    const me = await app.inject({ method: 'GET', url: '/api/staff/session', headers: withSession(s, null) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ username: 'ana', role: 'viewer', orgs: ['elche'] });
    expect(typeof me.json().csrfToken).toBe('string');
    expect((await app.inject({ method: 'DELETE', url: '/api/staff/session', headers: withSession(s, null) })).statusCode).toBe(403);
    expect((await app.inject({ method: 'DELETE', url: '/api/staff/session', headers: withSession(s, 'wrong') })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/staff/session', headers: withSession(s, null) })).statusCode).toBe(200);
    expect((await app.inject({ method: 'DELETE', url: '/api/staff/session', headers: withSession(s) })).statusCode).toBe(204);
    const after = await app.inject({ method: 'GET', url: '/api/staff/session', headers: withSession(s, null) });
    expect(after.statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/admin/stats', headers: withSession(s, null) })).statusCode).toBe(401);
  });

  it('answer a wrong username and a wrong password with the same 401, in about the same time', async () => {
    const { app } = await start();
    await addStaff(app, TOKEN, { username: 'ana', role: 'editor', orgs: ['paiporta'] });
    await logIn(app, 'warm-up', 'whatever whatever'); // the dummy hash is made once
    const timed = async (username: string, i: number) => {
      const t = performance.now();
      const { res } = await logIn(app, username, `wrong password ${i}`, { 'x-forwarded-for': `10.0.0.${i}` });
      return { ms: performance.now() - t, res };
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) {
      const a = await timed('ana', i);
      const b = await timed('nobody', i);
      expect(a.res.statusCode).toBe(401);
      expect(b.res.json()).toEqual(a.res.json());
      expect(b.res.json()).toEqual({ error: 'Unauthorized', statusCode: 401, message: 'Wrong username or password.' });
      known.push(a.ms);
      unknown.push(b.ms);
    }
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    // Both check an argon2id hash: an unknown name is not answered in a fraction of the time.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.4);
    expect(median(unknown)).toBeLessThan(median(known) * 2.5);
  });

  it('after 5 failures for one username from one address: 429 with Retry-After, even with the right password; 15 minutes later, in again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { app } = await start();
    await addStaff(app, TOKEN, { username: 'ana', role: 'editor', orgs: ['paiporta'] });
    for (let i = 0; i < 5; i++) expect((await logIn(app, 'ana', 'not the password')).res.statusCode).toBe(401);
    const throttled = await logIn(app, 'ana');
    expect(throttled.res.statusCode).toBe(429);
    expect(throttled.res.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    const retry = Number(throttled.res.headers['retry-after']);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(900);
    expect(throttled.cookie).toBe('');
    // Another address, or another username from this one, is not held up.
    const elsewhere = await app.inject({ method: 'POST', url: '/api/staff/session', remoteAddress: '10.1.1.1', payload: { username: 'ana', password: 'correct horse battery' } });
    expect(elsewhere.statusCode).toBe(200);
    expect((await logIn(app, 'bob', 'not the password')).res.statusCode).toBe(401);
    vi.setSystemTime(Date.now() + 15 * 60_000 + 1000);
    expect((await logIn(app, 'ana')).res.statusCode).toBe(200);
  });

  it(`end ${12} hours after the login, however busy`, async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { app } = await start();
    await addStaff(app, TOKEN, { username: 'ana', role: 'editor', orgs: ['paiporta'] });
    const s = await logIn(app, 'ana');
    const started = Date.now();
    for (const hours of [1, 6, 11.9]) {
      vi.setSystemTime(started + hours * 3_600_000);
      expect((await app.inject({ method: 'GET', url: '/api/admin/offices', headers: withSession(s) })).statusCode, `${hours} h`).toBe(200);
    }
    vi.setSystemTime(started + 12 * 3_600_000 + 1000);
    expect((await app.inject({ method: 'GET', url: '/api/admin/offices', headers: withSession(s) })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/staff/session', headers: withSession(s) })).statusCode).toBe(401);
  });

  it('end after STAFF_SESSION_HOURS when set', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { app } = await start({ STAFF_SESSION_HOURS: '1' });
    await addStaff(app, TOKEN, { username: 'ana', role: 'editor', orgs: ['paiporta'] });
    const s = await logIn(app, 'ana');
    expect(Math.abs(s.res.cookies[0].expires!.getTime() - Date.now() - 3_600_000)).toBeLessThan(5000);
    vi.setSystemTime(Date.now() + 3_601_000);
    expect((await app.inject({ method: 'GET', url: '/api/admin/offices', headers: withSession(s) })).statusCode).toBe(401);
  });

  it('end when the account is removed or its password changed; a new role applies at once', async () => {
    const { app } = await start();
    await addStaff(app, TOKEN, { username: 'ana', role: 'editor', orgs: ['paiporta'] });
    await addStaff(app, TOKEN, { username: 'bob', role: 'editor', orgs: ['paiporta'] });
    const ana = await logIn(app, 'ana');
    const bob = await logIn(app, 'bob');
    const board = (s: typeof ana) => app.inject({ method: 'GET', url: '/api/admin/audit', headers: withSession(s) }).then((r) => r.statusCode);
    expect([await board(ana), await board(bob)]).toEqual([200, 200]);
    await app.inject({ method: 'PATCH', url: '/api/admin/staff/ana', headers: bearer(TOKEN), payload: { password: 'a brand new password' } });
    await app.inject({ method: 'PATCH', url: '/api/admin/staff/bob', headers: bearer(TOKEN), payload: { role: 'viewer' } });
    expect([await board(ana), await board(bob)]).toEqual([401, 403]);
    expect((await logIn(app, 'ana')).res.statusCode).toBe(401);
    const again = await logIn(app, 'ana', 'a brand new password');
    expect(await board(again)).toBe(200);
    await app.inject({ method: 'DELETE', url: '/api/admin/staff/ana', headers: bearer(TOKEN) });
    expect(await board(again)).toBe(401);
  });
});
