import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import { sessionSecret, WebSessions, webSessions } from '../../src/features/webchat/sessions.js';
import { startApp } from '../support/helpers.js';

// Web chat conversations belong to the browser the server gave their id to.

let bot: ChatCore;
let app: FastifyInstance;

beforeAll(async () => {
  ({ bot, app } = await startApp());
});
afterAll(async () => {
  await app?.close();
  await bot?.close();
});

const chat = (payload: Record<string, unknown>, remoteAddress = '10.0.0.1') => app.inject({ method: 'POST', url: '/api/chat', payload, remoteAddress });
const poll = (id: string, remoteAddress = '10.0.0.1') =>
  app.inject({ method: 'GET', url: `/api/chat/${encodeURIComponent(id)}/notifications`, remoteAddress });

/** A citizen's conversation: last about OMAC El Altet, which it subscribed to, with a notice waiting. */
async function citizen(): Promise<{ token: string; id: string }> {
  const first = await chat({ text: '¿Está abierta la OMAC de Torrellano?' });
  expect(first.statusCode).toBe(200);
  const token: string = first.json().sessionId;
  const id = webSessions(bot.config).verify(token)!;
  expect(id).toEqual(expect.any(String));
  expect((await chat({ sessionId: token, text: 'Avísame cuando abra la OMAC de El Altet' })).json().nlu.intent).toBe('subscribe_updates');
  await bot.stores.inbox.push(id, 'test-change', 'a notice for this citizen only');
  return { token, id };
}

/** Ids an attacker could send: guessed, the bare id seen somewhere, the token with a changed MAC, one signed with another secret. */
function forgeries(token: string, id: string): [string, string][] {
  const [, mac] = token.split('.');
  const flipped = `${id}.${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`;
  return [
    ['demo', 'demo'],
    ['1', '1'],
    ["another citizen's unsigned id", id],
    ['a changed signature', flipped],
    ['another secret', new WebSessions('x'.repeat(40)).issue().token.replace(/^[^.]+/, id)],
  ];
}

describe('web chat session ids', () => {
  it('are 128 random bits and their HMAC, and each request without one gets a new one', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) ids.add((await chat({ text: 'hola' })).json().sessionId);
    expect(ids.size).toBe(20);
    for (const token of ids) {
      expect(token).toMatch(/^[\w-]{22}\.[\w-]{43}$/);
      expect(Buffer.from(token.split('.')[0], 'base64url')).toHaveLength(16);
    }
  });

  it('a forged or guessed id never continues another conversation', async () => {
    const { token, id } = await citizen();
    for (const [how, forged] of forgeries(token, id)) {
      const res = await chat({ sessionId: forged, text: '¿y su dirección?' });
      expect(res.statusCode, how).toBe(200);
      const body = res.json();
      // A conversation of its own: a new signed id, and no memory of El Altet.
      expect(body.sessionId, how).not.toBe(token);
      expect(body.sessionId, how).not.toBe(forged);
      expect(webSessions(bot.config).verify(body.sessionId), how).not.toBe(id);
      expect(body.nlu.entities.office, how).toBeUndefined();
    }
    // The citizen's own id still does.
    const own = await chat({ sessionId: token, text: '¿y su dirección?' });
    expect(own.json().sessionId).toBe(token);
    expect(own.json().nlu.entities.office).toBe('elche-el-altet');
  });

  it("a forged or guessed id never reads or empties another conversation's notices, nor unsubscribes it", async () => {
    const { token, id } = await citizen();
    // What the old API served to anyone who asked for "demo" or "1".
    await bot.stores.inbox.push('demo', 'test-change', 'queued for "demo"');
    await bot.stores.inbox.push('1', 'test-change', 'queued for "1"');
    for (const [how, forged] of forgeries(token, id)) {
      const res = await poll(forged);
      expect(res.statusCode, how).toBe(403);
      expect(res.json().notifications, how).toBeUndefined();
      expect(res.body, how).not.toContain('notice');
      const unsubscribe = await chat({ sessionId: forged, text: 'No quiero más avisos de la OMAC de El Altet' });
      expect(unsubscribe.json().nlu.intent, how).toBe('unsubscribe_updates');
    }
    expect(await bot.stores.inbox.count('demo')).toBe(1);
    expect(await bot.stores.inbox.count('1')).toBe(1);
    expect(await bot.stores.inbox.count(id)).toBe(1);
    expect((await bot.subscriptions.subscribers('elche-el-altet')).map((s) => s.address.id)).toContain(id);
    // With its signed id the citizen gets it, once.
    expect((await poll(token)).json()).toEqual({ notifications: ['a notice for this citizen only'] });
    expect((await poll(token)).json()).toEqual({ notifications: [] });
  });

  it('polls for notices are rate-limited per client, apart from messages', async () => {
    const { token } = await citizen();
    const codes: number[] = [];
    for (let i = 0; i < 125; i++) codes.push((await poll(token, '10.9.9.9')).statusCode);
    expect(codes.slice(0, 120).every((c) => c === 200)).toBe(true);
    expect(codes.slice(120).every((c) => c === 429)).toBe(true);
    // Forged ids count too: guessing is throttled like polling.
    expect((await poll('demo', '10.9.9.9')).statusCode).toBe(429);
    // Another client polls, and this one still chats.
    expect((await poll(token, '10.9.9.8')).statusCode).toBe(200);
    expect((await chat({ sessionId: token, text: 'hola' }, '10.9.9.9')).statusCode).toBe(200);
  });
});

describe('the session secret', () => {
  it('is generated into DATA_DIR once and kept (ids survive a restart); SESSION_SECRET is the same on every instance', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'session-secret-'));
    try {
      const first = sessionSecret({ DATA_DIR: dir, SESSION_SECRET: undefined });
      expect(first.length).toBeGreaterThanOrEqual(32);
      expect((fs.statSync(path.join(dir, 'session-secret')).mode & 0o777).toString(8)).toBe('600');
      expect(sessionSecret({ DATA_DIR: dir, SESSION_SECRET: undefined })).toBe(first);
      expect(fs.readdirSync(dir)).toEqual(['session-secret']);
      const token = new WebSessions(first).issue().token;
      expect(new WebSessions(sessionSecret({ DATA_DIR: dir, SESSION_SECRET: undefined })).verify(token)).toBeDefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // Two instances with their own DATA_DIR and the same SESSION_SECRET honour each other's ids.
    const shared = 's'.repeat(32);
    const [a, b] = await Promise.all(
      ['a', 'b'].map(async () => {
        const core = await assemble({ ...bot.config, SESSION_SECRET: shared, DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'session-dir-')) });
        const server = buildApp({ bot: core });
        await server.ready();
        return { core, server };
      }),
    );
    try {
      const first = await a.server.inject({ method: 'POST', url: '/api/chat', payload: { text: 'hola' } });
      const { sessionId } = first.json();
      const second = await b.server.inject({ method: 'POST', url: '/api/chat', payload: { sessionId, text: 'hola' } });
      expect(second.json().sessionId).toBe(sessionId);
    } finally {
      for (const { core, server } of [a, b]) {
        await server.close();
        await core.close();
        fs.rmSync(core.config.DATA_DIR, { recursive: true, force: true });
      }
    }
  });

  it('refuses a SESSION_SECRET shorter than 32 characters', async () => {
    const { loadConfig } = await import('../../src/config.js');
    expect(() => loadConfig({ SESSION_SECRET: 'short' })).toThrow(/SESSION_SECRET: use at least 32 characters/);
  });
});
