import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../src/config.js';
import { freePort } from '../support/free-port.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

/**
 * Backup and restore (#21), end to end: a real server gets live status changes, audit entries and
 * web subscriptions through its HTTP API; `npm run admin -- backup` copies its store while it keeps
 * writing; the copy is restored with `npm run admin -- restore` into a fresh DATA_DIR (and, on
 * Redis, a second fresh redis-server); a fresh server there has the same board, audit,
 * subscriptions and staff accounts (who can log in with their passwords), and notifies the same citizens. On SQLite and on a real Redis.
 */
const TOKEN = 'backup-admin-token-0123456789';
const NLU_CACHE = fs.mkdtempSync(path.join(os.tmpdir(), 'backup-nlu-'));
const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `backup-${name}-`));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const servers: ServerProcess[] = [];
const redises: RedisServer[] = [];
afterAll(async () => {
  for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  for (const r of redises) await r.stop();
});

async function start(env: Record<string, string>): Promise<{ server: ServerProcess; call: (method: string, url: string, body?: unknown) => Promise<{ status: number; json: any }> }> {
  const port = await freePort();
  const server = startServerProcess(port, { ADMIN_TOKEN: TOKEN, NLU_ENCODER: 'ngram', NLU_CACHE_DIR: NLU_CACHE, LOG_LEVEL: 'warn', ...env });
  servers.push(server);
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${port}${url}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, json: text.startsWith('{') ? JSON.parse(text) : text };
  };
  for (let i = 0; ; i++) {
    if (server.child.exitCode !== null) throw new Error(`server exited:\n${server.output()}`);
    const ready = await call('GET', '/health/ready').catch(() => ({ status: 0 }));
    if (ready.status === 200) break;
    if (i > 1200) throw new Error(`server not ready:\n${server.output()}`);
    await sleep(100);
  }
  return { server, call };
}

async function stop(server: ServerProcess): Promise<void> {
  server.child.kill('SIGTERM');
  expect((await server.exited).code).toBe(0);
}

/** `npm run admin -- …` with this store's environment. */
function admin(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['REDIS_URL', 'STORE', 'DATA_DIR', 'ADMIN_TOKEN', 'NODE_OPTIONS']) delete base[key];
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', ...args], { cwd: ROOT, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

const board = (json: { offices: { id: string; status: string; expectedReopening?: string; notes?: unknown }[] }) =>
  Object.fromEntries(json.offices.map((o) => [o.id, { status: o.status, expectedReopening: o.expectedReopening, notes: o.notes }]));

describe.each(['sqlite', 'redis'] as const)('backup and restore on %s', (store) => {
  it('a fresh instance on the restored copy has the same board, audit, subscriptions and staff accounts', async () => {
    const first: Record<string, string> = { DATA_DIR: tmp('first') };
    const second: Record<string, string> = { DATA_DIR: tmp('second') };
    if (store === 'redis') {
      const [a, b] = [await startRedis(), await startRedis()];
      redises.push(a, b);
      first.REDIS_URL = a.url;
      second.REDIS_URL = b.url;
    }
    const file = path.join(tmp('file'), 'bot-backup.tar.gz');

    // The first instance: two status changes (with the audit), two web citizens subscribed.
    const a = await start(first);
    expect((await a.call('PATCH', '/api/admin/offices/elche-torrellano', { status: 'closed', expectedReopening: 'el lunes' })).status).toBe(200);
    expect((await a.call('PATCH', '/api/admin/offices/elche-el-altet', { status: 'limited', note: { es: 'Solo con cita previa', ca: 'Només amb cita prèvia' } })).status).toBe(200);
    const citizens: { sessionId: string; text: string }[] = [];
    for (const text of ['Avísame cuando reabra la OMAC de Torrellano', 'Let me know when OMAC Torrellano reopens']) {
      const res = await a.call('POST', '/api/chat', { text });
      expect(res.json.nlu.intent).toBe('subscribe_updates');
      citizens.push({ sessionId: res.json.sessionId, text });
    }
    const staff = { username: 'ana', password: 'twelve chars or more', role: 'editor', orgs: ['paiporta'] };
    expect((await a.call('POST', '/api/admin/staff', staff)).status).toBe(201);
    const accounts = (await a.call('GET', '/api/admin/staff')).json;
    const audit = (await a.call('GET', '/api/admin/audit')).json.entries;
    expect(audit).toHaveLength(2);
    const before = board((await a.call('GET', '/api/admin/offices')).json);
    expect(before['elche-el-altet']).toMatchObject({ status: 'limited' });

    // The backup runs while the instance keeps taking status changes, subscriptions and questions.
    let writing = true;
    let changes = 0;
    const load = (async () => {
      for (let i = 0; writing; i++) {
        await Promise.all([
          a.call('PATCH', '/api/admin/offices/elche-centro', { status: i % 2 ? 'open' : 'limited' }).then((r) => r.status === 200 && changes++),
          a.call('POST', '/api/chat', { text: 'Avísame cuando cambie la OMAC Centro' }),
          a.call('POST', '/api/chat', { text: '¿Está abierta la OMAC de Altabix?' }),
        ]);
      }
    })();
    await sleep(300);
    const made = await admin(['backup', file], first);
    const during = changes;
    writing = false;
    await load;
    expect(made.out).toMatch(/written to/);
    expect(made.code).toBe(0);
    expect(during).toBeGreaterThan(0); // the instance did write while it was copied
    const finalAudit: unknown[] = (await a.call('GET', '/api/admin/audit')).json.entries;
    await stop(a.server);

    // Restored into a fresh DATA_DIR (and a fresh Redis), then once more: refused, nothing touched.
    const restored = await admin(['restore', file], second);
    expect(restored.out).toMatch(/restored the backup/);
    expect(restored.code).toBe(0);
    if (store === 'sqlite') {
      expect(fs.readdirSync(second.DATA_DIR).sort()).toEqual(['bot.sqlite', 'session-secret', 'sessions.sqlite']);
      const db = new Database(path.join(second.DATA_DIR, 'bot.sqlite'));
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
    } else {
      const r = new Redis(second.REDIS_URL);
      const keys = await r.keys('*');
      // Expiries kept: a conversation's (SESSION_TTL_MINUTES), a web subscriber's set of offices (30 days).
      const session = await r.pttl(keys.find((k) => k.startsWith('sessions:'))!);
      const subscriber = await r.pttl(keys.find((k) => k.startsWith('chatbot:sub:address:web:'))!);
      r.disconnect();
      expect(session).toBeGreaterThan(50 * 60_000);
      expect(session).toBeLessThanOrEqual(60 * 60_000);
      expect(subscriber).toBeGreaterThan(29 * 86_400_000);
      expect(keys.some((k) => k.startsWith('chatbot:audit'))).toBe(true);
      expect(keys.some((k) => k.startsWith('sessions:'))).toBe(true);
      expect(keys.filter((k) => k.startsWith('bull:'))).toEqual([]); // the queue's state is left out
      expect(fs.readdirSync(second.DATA_DIR)).toEqual(['session-secret']);
    }
    const again = await admin(['restore', file], second);
    expect(again.code).toBe(1);
    expect(again.out).toMatch(/the target holds data .*--force/);

    // The fresh instance: the same board, the audit as it was at the backup, the same subscribers.
    const b = await start(second);
    expect(board((await b.call('GET', '/api/admin/offices')).json)).toMatchObject({
      'elche-torrellano': before['elche-torrellano'],
      'elche-el-altet': before['elche-el-altet'],
    });
    const restoredAudit: unknown[] = (await b.call('GET', '/api/admin/audit')).json.entries;
    expect(restoredAudit.slice(0, 2)).toEqual(audit);
    // The changes made during the backup, up to its moment: the log as it was then, whole.
    expect(restoredAudit.length).toBeGreaterThan(2);
    expect(restoredAudit).toEqual(finalAudit.slice(0, restoredAudit.length));
    expect((await b.call('GET', '/health/ready')).json.checks.store).toBe('ok');
    // The staff accounts, and their passwords: ana logs in on the restored instance.
    expect((await b.call('GET', '/api/admin/staff')).json).toEqual(accounts);
    const login = await b.call('POST', '/api/staff/session', { username: staff.username, password: staff.password });
    expect(login.status).toBe(200);
    expect(login.json).toMatchObject({ username: 'ana', role: 'editor', orgs: ['paiporta'] });
    // Torrellano reopens: both citizens of before are told, under the ids their browsers hold.
    expect((await b.call('PATCH', '/api/admin/offices/elche-torrellano', { status: 'open' })).status).toBe(200);
    for (const c of citizens) {
      let notices: string[] = [];
      for (let i = 0; i < 100 && notices.length === 0; i++) {
        notices = (await b.call('GET', `/api/chat/${c.sessionId}/notifications`)).json.notifications;
        if (notices.length === 0) await sleep(100);
      }
      expect(notices, c.text).toHaveLength(1);
      expect(notices[0]).toMatch(/Torrellano/);
    }
    await stop(b.server);
  });
});
