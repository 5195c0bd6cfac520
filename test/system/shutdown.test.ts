import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { ROOT } from '../../src/config.js';
import { testConfig } from '../support/helpers.js';
import { webSessions } from '../../src/features/webchat/sessions.js';
import { freePort } from '../support/free-port.js';
import { webInbox } from '../../src/features/webchat/inbox.js';

/**
 * Graceful shutdown of the real server (`node --import tsx src/main.ts`, STORE=sqlite): SIGTERM
 * while ~50 requests are in flight. Requests the server took are answered (never a 5xx), the
 * process exits 0, and what it wrote (subscriptions, the audit log, statistics) is all there on
 * the next start on the same DATA_DIR.
 */
const TOKEN = 'shutdown-admin-token-0123456789';
/** Counts the connections the server accepted (printed as it exits). */
const PROBE = pathToFileURL(path.join(ROOT, 'test', 'support', 'shutdown-probe.mjs')).href;

interface Outcome {
  status?: number;
  body?: string;
  error?: string;
}

/** One request on its own connection (no keep-alive); `connected` resolves once TCP is up and the request written. */
function request(port: number, method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) {
  let connected!: () => void;
  const written = new Promise<void>((r) => (connected = r));
  const done = new Promise<Outcome>((resolve) => {
    const body = payload === undefined ? undefined : JSON.stringify(payload);
    const req = http.request(
      { host: '127.0.0.1', port, method, path: url, agent: false, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode, body: text }));
        res.on('error', (err) => resolve({ status: res.statusCode, error: err.message }));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      connected();
      resolve({ error: err.code ?? err.message });
    });
    req.on('socket', (socket) => socket.once('connect', () => req.once('finish', connected)));
    req.end(body);
  });
  return { written, done };
}

const chat = (port: number, sessionId: string, text: string) => request(port, 'POST', '/api/chat', { sessionId, text });
const patch = (port: number, office: string, status: string) =>
  request(port, 'PATCH', `/api/admin/offices/${office}`, { status }, { authorization: `Bearer ${TOKEN}` });

function startServer(port: number, dataDir: string): { child: ChildProcess; output: () => string; exited: Promise<{ code: number | null; signal: string | null }> } {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', STORE: 'sqlite', DATA_DIR: dataDir, ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'info', RATE_LIMIT_PER_MINUTE: '0', NLU_ENCODER: 'ngram' };
  for (const key of ['REDIS_URL', 'TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_URL', 'KNOWLEDGE_DIR', 'INTENTS_DIR', 'LOCALES_DIR', 'NODE_OPTIONS']) delete env[key];
  const child = spawn(process.execPath, ['--import', PROBE, '--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => out, exited };
}

/** Polls /health until 200; returns how many of those requests the server took (answered at all). */
async function waitHealthy(port: number, exited: Promise<unknown>, output: () => string, timeoutMs = 45_000): Promise<number> {
  let dead = false;
  void exited.then(() => (dead = true));
  const deadline = Date.now() + timeoutMs;
  for (let taken = 0; ; ) {
    if (dead) throw new Error(`server exited during start:\n${output()}`);
    const res = await request(port, 'GET', '/health').done;
    if (res.status !== undefined) taken++;
    if (res.status === 200) return taken;
    if (Date.now() > deadline) throw new Error(`server not healthy after ${timeoutMs} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shutdown-'));
let server: ReturnType<typeof startServer> | undefined;
let bot: ChatCore | undefined;

afterAll(async () => {
  if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await bot?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('graceful shutdown on SIGTERM (real server, SQLite)', () => {
  it('answers the requests in flight, exits 0 and keeps every subscription and audit entry', async () => {
    const port = await freePort();
    server = startServer(port, dataDir);
    let requestsBefore = await waitHealthy(port, server.exited, server.output);

    // Before: five web sessions subscribe to OMAC El Altet; staff change two offices.
    const subscribed: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await chat(port, `sub-${i}`, i % 2 ? 'avísame cuando abra El Altet' : 'notify me when OMAC El Altet reopens').done;
      expect(res.status, res.body ?? res.error).toBe(200);
      expect(JSON.parse(res.body!).nlu.intent).toBe('subscribe_updates');
      subscribed.push(JSON.parse(res.body!).sessionId); // the id the server issued
      requestsBefore++;
    }
    const audited: { office: string; status: string }[] = [];
    for (const [office, status] of [['elche-el-altet', 'open'], ['elche-torrellano', 'limited']]) {
      const res = await patch(port, office, status).done;
      expect(res.status, res.body ?? res.error).toBe(200);
      audited.push({ office, status });
      requestsBefore++;
    }

    // In flight: 50 requests at once (questions, subscriptions to one office, status changes), then SIGTERM.
    const questions = ['¿Está abierta la OMAC de Torrellano?', 'Is OMAC El Altet open?', 'hej', 'certificado de empadronamiento', 'what is the phone number of ATS Insubria?'];
    const changes = [['paiporta-oficina-unica', 'closed'], ['ats-insubria-como', 'open'], ['ats-insubria-varese', 'closed']];
    const inFlight = [
      ...Array.from({ length: 37 }, (_, i) => ({ kind: 'chat' as const, id: `q-${i}`, ...chat(port, `q-${i}`, questions[i % questions.length]) })),
      ...Array.from({ length: 10 }, (_, i) => ({ kind: 'subscribe' as const, id: `late-sub-${i}`, ...chat(port, `late-sub-${i}`, 'avisadme cuando reabra la Oficina Única de Paiporta') })),
      ...changes.map(([office, status]) => ({ kind: 'patch' as const, id: `${office}=${status}`, ...patch(port, office, status) })),
    ];
    await Promise.all(inFlight.map((r) => r.written));
    const sigterm = Date.now();
    server.child.kill('SIGTERM');
    const outcomes = await Promise.all(inFlight.map(async (r) => ({ ...r, outcome: await r.done })));
    const exit = await server.exited;
    const shutdownMs = Date.now() - sigterm;

    // No 5xx, no reset of a connection the server took: every one it accepted got its full answer.
    // The others were still in the kernel's accept queue when the listener closed: refused or
    // reset before the server read a byte (nothing done, safe to retry).
    const answered = outcomes.filter((o) => o.outcome.status !== undefined);
    const notTaken = outcomes.filter((o) => o.outcome.status === undefined);
    for (const o of answered) expect(o.outcome.status, `${o.id}: ${o.outcome.body}`).toBe(200);
    for (const o of notTaken) expect(['ECONNRESET', 'ECONNREFUSED', 'EPIPE']).toContain(o.outcome.error);
    const probe = /shutdown-probe (\{.*\})/.exec(server.output());
    expect(probe, server.output()).not.toBeNull();
    const counted = JSON.parse(probe![1]) as { accepted: number; requests: number };
    expect(counted.accepted - requestsBefore, 'in-flight connections the server accepted').toBe(answered.length);
    expect(counted.requests - requestsBefore, 'in-flight requests the server read').toBe(answered.length);
    expect(answered.length).toBeGreaterThan(0);
    expect(exit, server.output()).toEqual({ code: 0, signal: null });
    expect(shutdownMs).toBeLessThan(15_000);
    expect(server.output()).toContain('shutting down');

    // Every late subscription that was answered was a real one.
    const issued = (o: (typeof answered)[number]): string => JSON.parse(o.outcome.body!).sessionId;
    const lateSubscribed = answered.filter((o) => o.kind === 'subscribe').map(issued);
    for (const o of answered.filter((a) => a.kind === 'subscribe')) expect(JSON.parse(o.outcome.body!).nlu.intent).toBe('subscribe_updates');
    const patched = answered.filter((o) => o.kind === 'patch').map((o) => o.id);
    const chatsAnswered = 5 + answered.filter((o) => o.kind !== 'patch').length;

    // After: the same DATA_DIR holds everything the server said it did.
    bot = await assemble(testConfig({ STORE: 'sqlite', DATA_DIR: dataDir }));
    // The bot keeps a web conversation under the id inside the signed one it issued (its secret is in DATA_DIR).
    const idOf = (token: string) => webSessions(bot!.config).verify(token);
    const ids = async (office: string) => (await bot!.subscriptions.subscribers(office)).map((s) => s.address.id).sort();
    expect(await ids('elche-el-altet')).toEqual(subscribed.map(idOf).sort());
    expect(await ids('paiporta-oficina-unica')).toEqual(lateSubscribed.map(idOf).sort());
    const audit = await bot.live.auditLog();
    expect(audit.slice(0, audited.length).map((e) => ({ office: e.office, status: e.after.status }))).toEqual(audited);
    // The concurrent changes, in whatever order they ran: each one answered is logged, once.
    expect(audit.slice(audited.length).map((e) => `${e.office}=${e.after.status}`).sort()).toEqual([...patched].sort());
    expect(bot.knowledge.office('elche-el-altet')?.status).toBe('open');
    expect(bot.knowledge.office('elche-torrellano')?.status).toBe('limited');
    for (const change of patched) {
      const [office, status] = change.split('=');
      expect(bot.knowledge.office(office)?.status).toBe(status);
    }
    // Every conversation answered kept its session (sessions are written behind: flushed on the way out).
    for (const o of answered.filter((a) => a.kind !== 'patch')) expect(await bot.stores.sessions.get(`web:${idOf(issued(o))}`), o.id).toMatchObject({ lang: expect.any(String) });
    // The statistics buffered in memory were flushed on the way out.
    const today = new Date().toISOString().slice(0, 10);
    expect((await bot.stats.query(today, today)).total).toBe(chatsAnswered);
    // The notices of the status changes reach the subscribers' inboxes (what the fan-out left in the outbox resumes now).
    await bot.notifier.drain();
    expect(await bot.notifier.pendingCount()).toBe(0);
    for (const id of subscribed) expect(await webInbox(bot.stores.inbox).takeNotifications(idOf(id)!)).toHaveLength(1);
  }, 120_000);
});
