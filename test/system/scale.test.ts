import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStores, type Stores } from '../../src/storage/index.js';
import { FakeBotApi, type ApiCall } from '../support/fake-bot-api.js';
import { freePort } from '../support/free-port.js';
import { startRedis } from '../support/redis-server.js';
import { startServerProcess, untilLogged, type ServerProcess } from '../support/server-process.js';

/**
 * Two real server processes on one real Redis, sending status-change notices to 300 Telegram
 * subscribers through a local Bot API that takes 100 ms per send. One instance is killed
 * (SIGKILL) or stopped (SIGTERM) in the middle of the fan-out while the other starts.
 */
const TOKEN = 'scale-admin-token-0123456789';
const OFFICE = 'elche-el-altet';
const SUBSCRIBERS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let redis: Awaited<ReturnType<typeof startRedis>>;
let stores: Stores;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scale-'));
const servers: ServerProcess[] = [];
let api: FakeBotApi;

// A Redis of its own per test: the jobs a killed instance left stalled in the queue are
// (rightly) retried by the next instance that starts, which would be the next test's.
beforeEach(async () => {
  redis = await startRedis();
  stores = createStores({ STORE: 'redis', REDIS_URL: redis.url, DATA_DIR: dataDir });
});
afterEach(async () => {
  const running = servers.splice(0);
  for (const s of running) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  await Promise.all(running.map((s) => s.exited));
  await api?.close();
  await stores?.close();
  await redis?.stop();
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

async function instance(): Promise<ServerProcess> {
  const server = startServerProcess(await freePort(), {
    REDIS_URL: redis.url,
    DATA_DIR: dataDir, // the NLU cache: the second start skips training
    ADMIN_TOKEN: TOKEN,
    TELEGRAM_BOT_TOKEN: '123:abc',
    TELEGRAM_API_ROOT: api.url,
  });
  servers.push(server);
  await untilLogged(server, 'telegram channel started');
  return server;
}

/** A Bot API taking 100 ms per send, and 300 subscribers (only) in the shared store. */
async function prepare(): Promise<{ chats: number[] }> {
  api = new FakeBotApi();
  await api.start();
  api.hangNext('sendMessage', 100, 'answer', 10_000); // every send takes 100 ms
  for (const s of await stores.subscriptions.subscribers(OFFICE)) await stores.subscriptions.remove(s.address);
  const base = 700_000 + Math.floor(Math.random() * 100_000) * 1000;
  const chats = Array.from({ length: SUBSCRIBERS }, (_, i) => base + i);
  for (const chat of chats) await stores.subscriptions.add(OFFICE, { channel: 'telegram', id: String(chat) }, 'es');
  return { chats };
}

async function patch(server: ServerProcess, status: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${server.port}/api/admin/offices/${OFFICE}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ status }),
  });
  return res.status;
}

function tally(chats: number[], sends: ApiCall[]) {
  const mine = new Set(chats);
  const per = new Map<number, number>();
  for (const c of sends) if (c.status === 200 && mine.has(Number(c.payload.chat_id))) per.set(Number(c.payload.chat_id), (per.get(Number(c.payload.chat_id)) ?? 0) + 1);
  return { lost: chats.filter((c) => !per.has(c)).length, repeated: [...per.values()].filter((n) => n > 1).length, delivered: per.size };
}

/** The most sends that fell within any one second. */
function peakPerSecond(sends: ApiCall[]): number {
  const at = sends.map((c) => c.at).sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; i < at.length; i++) {
    while (at[i] - at[j] >= 1000) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}

async function fanOutWithRestart(signal: 'SIGKILL' | 'SIGTERM') {
  const { chats } = await prepare();
  const a = await instance();
  expect(await patch(a, signal === 'SIGKILL' ? 'closed' : 'open')).toBe(200);
  const sends = () => api.callsOf('sendMessage');
  await api.waitFor((c) => c.method === 'sendMessage', 60, 30_000);
  const started = instance(); // B starts while A sends
  a.child.kill(signal);
  const stoppedAt = Date.now();
  const exit = await a.exited;
  const byA = sends().length; // sent before the second instance took over
  await started;
  const deadline = Date.now() + 90_000;
  while (tally(chats, sends()).delivered < SUBSCRIBERS && Date.now() < deadline) await sleep(200);
  await sleep(1500); // room for a duplicate to show up
  return { ...tally(chats, sends()), byA, exit, untilAllMs: Date.now() - stoppedAt, peak: peakPerSecond(sends()), total: sends().length };
}

describe('two instances sending notices through the queue on Redis', () => {
  it('a killed instance (SIGKILL) loses none and repeats at most the deliveries it had in flight', { timeout: 180_000 }, async () => {
    const r = await fanOutWithRestart('SIGKILL');
    console.log('SIGKILL', r);
    expect(r.exit.signal).toBe('SIGKILL');
    expect(r.lost).toBe(0);
    expect(r.repeated).toBeLessThanOrEqual(8); // PARALLEL_SENDS: the jobs in hand when it died
    expect(r.peak).toBeLessThanOrEqual(30); // Telegram's ~30 messages a second, both instances together
  });

  it('a graceful restart (SIGTERM) loses none and repeats none', { timeout: 180_000 }, async () => {
    const r = await fanOutWithRestart('SIGTERM');
    console.log('SIGTERM', r);
    expect(r.exit).toEqual({ code: 0, signal: null });
    expect(r.lost).toBe(0);
    expect(r.repeated).toBe(0);
    expect(r.total).toBe(SUBSCRIBERS);
    expect(r.peak).toBeLessThanOrEqual(30);
  });
});
