import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { say, startApp } from '../support/helpers.js';
import { addStaff, bearer, logIn, withSession, type StaffLogin } from '../support/staff.js';

const TOKEN = 'roles-admin-token-0123456789';
let bot: ChatCore;
let app: FastifyInstance;
let editor: StaffLogin; // Paiporta
let viewer: StaffLogin; // Paiporta
let admin: StaffLogin;

beforeAll(async () => {
  ({ bot, app } = await startApp({ ADMIN_TOKEN: TOKEN }));
  await addStaff(app, TOKEN, { username: 'ana', role: 'editor', orgs: ['paiporta'] });
  await addStaff(app, TOKEN, { username: 'vera', role: 'viewer', orgs: ['paiporta'] });
  await addStaff(app, TOKEN, { username: 'root', role: 'admin' });
  [editor, viewer, admin] = [await logIn(app, 'ana'), await logIn(app, 'vera'), await logIn(app, 'root')];
});
afterAll(async () => {
  await app?.close();
  await bot?.close();
});

const call = (method: string, url: string, headers: Record<string, string>, payload?: object) =>
  app.inject({ method: method as 'GET', url, headers, ...(payload ? { payload } : {}) });
const state = async () => ({
  elAltet: bot.knowledge.office('elche-el-altet')!.status,
  paiporta: bot.knowledge.office('paiporta-oficina-unica')!.status,
  audit: (await bot.live.auditLog()).length,
  staff: (await bot.stores.staff.accounts.list()).map((a) => `${a.username}:${a.role}`),
});

describe('roles and organisations on every admin route', () => {
  it('a change made with the session cookie needs its x-csrf-token: missing or wrong, 403 and nothing changes', async () => {
    const before = await state();
    for (const csrf of [null, 'wrong-token', viewer.csrf]) {
      const res = await call('PATCH', '/api/admin/offices/paiporta-oficina-unica', withSession(editor, csrf), { status: 'open' });
      expect(res.statusCode, String(csrf)).toBe(403);
      expect(res.json()).toMatchObject({ error: 'Forbidden', statusCode: 403 });
      const staff = await call('POST', '/api/admin/staff', withSession(admin, csrf), { username: 'eve', password: 'twelve chars', role: 'admin' });
      expect(staff.statusCode).toBe(403);
    }
    expect(await state()).toEqual(before);
  });

  it('refuses every route a role does not cover with 403, and changes nothing', async () => {
    const before = await state();
    const refused: [StaffLogin, string, string, object?][] = [
      [editor, 'PATCH', '/api/admin/offices/elche-el-altet', { status: 'open' }],
      [editor, 'GET', '/api/admin/offices/elche-el-altet/subscribers/count'],
      [editor, 'POST', '/api/admin/staff', { username: 'eve', password: 'twelve chars', role: 'admin' }],
      [editor, 'GET', '/api/admin/staff'],
      [editor, 'PATCH', '/api/admin/staff/ana', { role: 'admin' }],
      [editor, 'DELETE', '/api/admin/staff/root'],
      [editor, 'POST', '/api/admin/knowledge/reload'],
      [viewer, 'PATCH', '/api/admin/offices/paiporta-oficina-unica', { status: 'open' }],
      [viewer, 'GET', '/api/admin/audit'],
      [viewer, 'GET', '/api/admin/staff'],
      [viewer, 'PATCH', '/api/admin/staff/vera', { role: 'admin' }],
      [viewer, 'POST', '/api/admin/knowledge/reload'],
    ];
    for (const [who, method, url, payload] of refused) {
      const res = await call(method, url, withSession(who), payload);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().statusCode).toBe(403);
    }
    expect(await state()).toEqual(before);
  });

  it("shows a Paiporta editor Paiporta's offices, audit and statistics only", async () => {
    await say(app, 'roles-1', '¿Está abierta la OMAC de Torrellano?');
    await say(app, 'roles-2', '¿Está abierta la Oficina Única de Paiporta?');
    expect((await call('PATCH', '/api/admin/offices/elche-torrellano', bearer(TOKEN), { status: 'closed' })).statusCode).toBe(200);
    expect((await call('PATCH', '/api/admin/offices/paiporta-oficina-unica', withSession(editor), { status: 'open' })).statusCode).toBe(200);

    const board = (await call('GET', '/api/admin/offices', withSession(editor))).json().offices;
    expect(board.map((o: { id: string }) => o.id)).toEqual(['paiporta-oficina-unica']);
    expect(board[0]).toMatchObject({ status: 'open', updatedBy: 'ana', subscribers: 0 });
    expect(Date.now() - Date.parse(board[0].updatedAt)).toBeLessThan(60_000);
    expect((await call('GET', '/api/admin/offices', withSession(viewer))).json().offices).toHaveLength(1);
    expect((await call('GET', '/api/admin/offices', withSession(admin))).json().offices.length).toBe(bot.knowledge.offices.length);

    // The audit log names who changed what: the session's username, or api-token.
    const all = (await call('GET', '/api/admin/audit', bearer(TOKEN))).json().entries;
    expect(all.map((e: { office: string; actor: string }) => `${e.office} ${e.actor}`)).toEqual(['elche-torrellano api-token', 'paiporta-oficina-unica ana']);
    const mine = (await call('GET', '/api/admin/audit', withSession(editor))).json().entries;
    expect(mine.map((e: { office: string }) => e.office)).toEqual(['paiporta-oficina-unica']);

    const everything = (await call('GET', '/api/admin/stats', bearer(TOKEN))).json();
    expect(everything.total).toBe(2);
    for (const who of [editor, viewer]) {
      const stats = (await call('GET', '/api/admin/stats', withSession(who))).json();
      expect(stats.total).toBe(1);
      expect(Object.keys(stats.offices)).toEqual(['paiporta-oficina-unica']);
    }
  });

  it('lets an admin session manage staff (with its CSRF token) and a subscriber count be read in scope', async () => {
    const created = await call('POST', '/api/admin/staff', withSession(admin), { username: 'eve', password: 'twelve chars', role: 'viewer', orgs: ['elche'] });
    expect(created.statusCode).toBe(201);
    expect((await call('DELETE', '/api/admin/staff/eve', withSession(admin))).statusCode).toBe(204);
    const count = await call('GET', '/api/admin/offices/paiporta-oficina-unica/subscribers/count', withSession(viewer));
    expect(count.json()).toEqual({ office: 'paiporta-oficina-unica', subscribers: 0 });
    expect((await call('GET', '/api/admin/offices/atlantis/subscribers/count', withSession(admin))).statusCode).toBe(404);
  });

  it('refuses statistics over more than 366 days, backwards ranges and days that do not exist (400)', async () => {
    const get = (q: string) => call('GET', `/api/admin/stats?${q}`, bearer(TOKEN));
    expect((await get('from=2024-01-01&to=2024-12-31')).statusCode).toBe(200); // 366 days, a leap year
    for (const q of ['from=2023-01-01&to=2024-01-02', 'from=1900-01-01', 'from=2024-05-02&to=2024-05-01', 'from=2024-02-30&to=2024-03-01']) {
      const res = await get(q);
      expect(res.statusCode, q).toBe(400);
      expect(res.json()).toMatchObject({ error: 'Bad Request', statusCode: 400 });
    }
    expect((await get('from=2024-02-30&to=2024-03-01')).json().message).toMatch(/not a day/);
    expect((await get('from=2023-01-01&to=2024-01-02')).json().message).toMatch(/at most 366 days/);
  });
});
