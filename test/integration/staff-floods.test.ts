import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { createStores } from '../../src/storage/index.js';
import { startApp, testConfig } from '../support/helpers.js';
import { addStaff, bearer, logIn, withSession } from '../support/staff.js';

/**
 * Finding 5 of issue #33: each delivery rewrote every unread notice of the web subscriber (with
 * 100 subscribers a status change held the server longer and longer), inboxes had no cap, and
 * staff writes were unlimited and their lists read whole (300 announcements: 3 MB).
 */
const TOKEN = 'floods-admin-token-0123456789';
const open: { bot: ChatCore; app: FastifyInstance }[] = [];
async function start(env: Record<string, string> = {}) {
  const started = await startApp({ ADMIN_TOKEN: TOKEN, ...env });
  open.push(started);
  return started;
}
afterEach(async () => {
  for (const { bot, app } of open.splice(0)) {
    await app.close();
    await bot.close();
  }
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const OFFICE = 'elche-el-altet';

describe('web inboxes', () => {
  it('on SQLite, a status change to 100 web subscribers takes no longer with 110 unread notices each (50 kept) than with 2', async () => {
    const { bot } = await start({ STORE: 'sqlite' });
    for (let i = 0; i < 100; i++) await bot.subscriptions.add(OFFICE, { channel: 'web', id: `flood-${i}` }, 'es');
    // What a PATCH of the office does (the staff limit allows 60 a minute), and the deliveries, timed.
    const change = async (i: number) => {
      const t = performance.now();
      await bot.live.update(OFFICE, { status: i % 2 ? 'open' : 'closed' }, 'ana');
      await bot.notifier.drain();
      return performance.now() - t;
    };
    const times: number[] = [];
    for (let i = 0; i < 120; i++) times.push(await change(i));
    const [early, late] = [median(times.slice(2, 12)), median(times.slice(-10))];
    console.log(`a status change to 100 web subscribers: ${early.toFixed(1)} ms with 2-12 unread each, ${late.toFixed(1)} ms with 110-120 delivered`);
    expect(late).toBeLessThan(3 * early + 5);
    expect(await bot.stores.inbox.count('flood-0')).toBe(50);
  }, 120_000);

  it.each(['memory', 'sqlite'])('keep at most 50 unread notices per session on %s, the newest', async (store) => {
    const stores = createStores(testConfig({ STORE: store }));
    try {
      for (let i = 0; i < 60; i++) await stores.inbox.push('capped', `change-${String(i).padStart(3, '0')}`, `notice ${i}`);
      expect(await stores.inbox.count('capped')).toBe(50);
      const texts = await stores.inbox.take('capped');
      expect(texts[0]).toBe('notice 10');
      expect(texts.at(-1)).toBe('notice 59');
    } finally {
      await stores.close();
    }
  });
});

describe('staff floods', () => {
  it('an account may make 60 changes a minute; the 61st is a 429 with Retry-After, reading is not limited, another account is not held up', async () => {
    const { app } = await start();
    await addStaff(app, TOKEN, { username: 'ana', role: 'editor', orgs: ['elche'] });
    await addStaff(app, TOKEN, { username: 'eva', role: 'editor', orgs: ['elche'] });
    const [ana, eva] = [await logIn(app, 'ana'), await logIn(app, 'eva')];
    const announce = (s: typeof ana) => app.inject({ method: 'POST', url: '/api/admin/announcements', headers: withSession(s), payload: { org: 'elche', texts: { es: 'Aviso de prueba.' } } });
    const codes: number[] = [];
    for (let i = 0; i < 61; i++) codes.push((await announce(ana)).statusCode);
    expect(codes.slice(0, 60).every((c) => c === 201)).toBe(true);
    const refused = await announce(ana);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await app.inject({ method: 'GET', url: '/api/admin/announcements', headers: withSession(ana) })).statusCode).toBe(200);
    expect((await announce(eva)).statusCode).toBe(201);
  }, 60_000);

  it('lists the announcements and the audit log a page at a time, newest first, never whole', async () => {
    const { bot, app } = await start();
    for (let i = 0; i < 150; i++) {
      await bot.live.update(OFFICE, { status: i % 2 ? 'open' : 'closed' }, `actor-${i}`);
      await bot.stores.staff.announcements.add({ id: `a-${String(i).padStart(4, '0')}`, at: new Date().toISOString(), by: `actor-${i}`, org: i % 3 ? 'elche' : 'paiporta', texts: { es: `aviso ${i}` }, recipients: 0, reached: 0 });
    }
    const get = async (url: string) => (await app.inject({ method: 'GET', url, headers: bearer(TOKEN) })).json();
    const first = await get('/api/admin/audit');
    expect(first.entries).toHaveLength(100);
    expect(first.entries.at(-1).actor).toBe('actor-149'); // the latest last, as before
    expect(first.entries[0].actor).toBe('actor-50');
    const second = await get(`/api/admin/audit?before=${first.next}`);
    expect(second.entries.map((e: { actor: string }) => e.actor)).toEqual(Array.from({ length: 50 }, (_, i) => `actor-${i}`));
    expect(second.next).toBeUndefined();

    // An editor of Elche pages through Elche's announcements only (two in three).
    await addStaff(app, TOKEN, { username: 'ana', role: 'editor', orgs: ['elche'] });
    const ana = await logIn(app, 'ana');
    const page = (await app.inject({ method: 'GET', url: '/api/admin/announcements?limit=40', headers: withSession(ana) })).json();
    expect(page.announcements).toHaveLength(40);
    expect(page.announcements[0].texts.es).toBe('aviso 149');
    const rest = (await app.inject({ method: 'GET', url: `/api/admin/announcements?limit=500&before=${page.next}`, headers: withSession(ana) })).json();
    expect(page.announcements.length + rest.announcements.length).toBe(100);
    expect(rest.announcements.every((a: { org: string }) => a.org === 'elche')).toBe(true);
    expect((await app.inject({ method: 'GET', url: '/api/admin/audit?limit=0', headers: bearer(TOKEN) })).statusCode).toBe(400);
  }, 60_000);
});
