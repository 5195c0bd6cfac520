import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { onOneRedis } from '../support/shared-redis.js';
import { addStaff, bearer, logIn, withSession } from '../support/staff.js';
import { webInbox } from '../../src/features/webchat/inbox.js';

const TOKEN = 'staff-redis-token-0123456789';
// The tests start their instances, on the shared Redis or on SQLite.
const shared = onOneRedis({}, { count: 0 });
const { instances } = shared;
const instance = (env: Record<string, string>) => shared.start({ ADMIN_TOKEN: TOKEN, ...env });

describe('staff accounts and sessions on a real redis-server, two instances', () => {
  it('share accounts, sessions and the login throttle; a password changed on one ends the session on the other', async () => {
    const a = await instance({ STORE: 'redis', REDIS_URL: shared.redis.url });
    const b = await instance({ STORE: 'redis', REDIS_URL: shared.redis.url });
    await addStaff(a.app, TOKEN, { username: 'ana', role: 'editor', orgs: ['paiporta'] });
    expect((await b.app.inject({ method: 'GET', url: '/api/admin/staff', headers: bearer(TOKEN) })).json().accounts).toEqual([
      expect.objectContaining({ username: 'ana', role: 'editor', orgs: ['paiporta'] }),
    ]);
    const s = await logIn(a.app, 'ana');
    const change = await b.app.inject({ method: 'PATCH', url: '/api/admin/offices/paiporta-oficina-unica', headers: withSession(s), payload: { status: 'open' } });
    expect(change.statusCode).toBe(200);
    expect((await b.app.inject({ method: 'PATCH', url: '/api/admin/offices/paiporta-oficina-unica', headers: withSession(s, null), payload: { status: 'closed' } })).statusCode).toBe(403);
    expect((await a.app.inject({ method: 'GET', url: '/api/admin/audit', headers: withSession(s) })).json().entries.at(-1)).toMatchObject({ actor: 'ana', after: { status: 'open' } });

    for (let i = 0; i < 3; i++) await logIn(a.app, 'ana', 'wrong password!');
    for (let i = 0; i < 2; i++) await logIn(b.app, 'ana', 'wrong password!');
    expect((await logIn(a.app, 'ana')).res.statusCode).toBe(429);
    expect((await logIn(b.app, 'ana')).res.statusCode).toBe(429);

    // A role set through one instance applies on the other; a lone empty list of organisations stays a list.
    const patched = await a.app.inject({ method: 'PATCH', url: '/api/admin/staff/ana', headers: bearer(TOKEN), payload: { role: 'admin', orgs: [] } });
    expect(patched.json().account).toMatchObject({ role: 'admin', orgs: [] });
    expect((await b.app.inject({ method: 'GET', url: '/api/admin/staff', headers: withSession(s) })).statusCode).toBe(200);
    await b.app.inject({ method: 'PATCH', url: '/api/admin/staff/ana', headers: bearer(TOKEN), payload: { password: 'another long password' } });
    expect((await a.app.inject({ method: 'GET', url: '/api/staff/session', headers: withSession(s) })).statusCode).toBe(401);
  });

  it('throttle an address across usernames and instances: 32 tries at once, half on each, see a 429 within the first 20 (#33, 2)', async () => {
    const [a, b] = instances;
    const tries = await Promise.all(
      Array.from({ length: 32 }, (_, i) =>
        (i % 2 ? a : b).app.inject({ method: 'POST', url: '/api/staff/session', remoteAddress: '203.0.113.77', payload: { username: `spray${i}`, password: 'Summer2026!!' } }),
      ),
    );
    const codes = tries.map((r) => r.statusCode);
    expect(codes.indexOf(429), codes.join()).toBeGreaterThanOrEqual(0);
    expect(codes.indexOf(429), codes.join()).toBeLessThan(20);
    expect(codes.filter((c) => c === 401).length, codes.join()).toBeLessThanOrEqual(10);
  });

  it('deliver an announcement through the shared queue once per subscriber, counting how many it reached', async () => {
    const a = instances[0];
    const web = { channel: 'web' as const, id: 'redis-announce' };
    await a.bot.subscriptions.add('elche-centro', web, 'sv');
    await a.bot.subscriptions.add('elche-altabix', web, 'sv');
    const res = await a.app.inject({ method: 'POST', url: '/api/admin/announcements', headers: bearer(TOKEN), payload: { org: 'elche', texts: { es: 'Texto de prueba.' } } });
    expect(res.json().announcement).toMatchObject({ recipients: 1, reached: 0 });
    await a.bot.notifier.drain();
    expect(await webInbox(a.bot.stores.inbox).takeNotifications(web.id)).toEqual(['Meddelande från Elche kommun:\nMeddelande på spanska: Texto de prueba.']);
    const list = (await instances[1].app.inject({ method: 'GET', url: '/api/admin/announcements', headers: bearer(TOKEN) })).json().announcements;
    expect(list[0]).toMatchObject({ id: res.json().announcement.id, recipients: 1, reached: 1 });
  });

  it('keeps accounts in bot.sqlite across a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'staff-sqlite-'));
    const first = await instance({ STORE: 'sqlite', DATA_DIR: dir });
    await addStaff(first.app, TOKEN, { username: 'ana', role: 'viewer', orgs: ['elche'] });
    const s = await logIn(first.app, 'ana');
    await first.app.close();
    await first.bot.close();
    instances.splice(instances.indexOf(first), 1);
    const second = await instance({ STORE: 'sqlite', DATA_DIR: dir });
    expect((await second.app.inject({ method: 'GET', url: '/api/staff/session', headers: withSession(s) })).json()).toMatchObject({ username: 'ana', role: 'viewer' });
    expect((await logIn(second.app, 'ana')).res.statusCode).toBe(200);
  });
});
