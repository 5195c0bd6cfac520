import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../src/config.js';
import { freePort } from '../support/free-port.js';
import { startApp } from '../support/helpers.js';
import type { ChatCore } from '../../src/app/chat-core.js';

/**
 * deploy/Caddyfile as shipped, run by a real Caddy in front of the bot, with two changes only: it
 * listens on a free port over plain HTTP, and "the council's network" is 10.0.0.0/8, so that this
 * test, coming from 127.0.0.1, is outside it. Finding 2 of issue #33: /api/staff/session was served
 * to everyone.
 */
const hasCaddy = spawnSync('caddy', ['version']).status === 0;
const TOKEN = 'caddy-admin-token-0123456789';
let caddy: ChildProcess | undefined;
let bot: ChatCore;
let app: FastifyInstance;
let base = '';

beforeAll(async () => {
  if (!hasCaddy) return;
  ({ bot, app } = await startApp({ ADMIN_TOKEN: TOKEN }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const upstream = `127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caddy-test-'));
  const shipped = fs.readFileSync(path.join(ROOT, 'deploy', 'Caddyfile'), 'utf8');
  expect(shipped).toContain('bot.example.org {');
  const config = `{\n\tadmin off\n}\n${shipped
    .replace('bot.example.org {', `http://127.0.0.1:${port} {`)
    .replaceAll('127.0.0.1:3000', upstream)
    .replaceAll('private_ranges', '10.0.0.0/8')}`;
  fs.writeFileSync(path.join(dir, 'Caddyfile'), config);
  caddy = spawn('caddy', ['run', '--config', path.join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], {
    stdio: 'ignore',
    env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
  });
  base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (await fetch(`${base}/health/live`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('caddy did not start');
}, 60_000);
afterAll(async () => {
  caddy?.kill('SIGTERM');
  await app?.close();
  await bot?.close();
});

describe.skipIf(!hasCaddy)('deploy/Caddyfile in front of the bot, seen from outside the council network', () => {
  it('refuses the staff login, the console and the admin API; serves the chat and the health checks', async () => {
    for (const [method, url] of [
      ['POST', '/api/staff/session'],
      ['GET', '/api/staff/session'],
      ['GET', '/staff'],
      ['GET', '/api/admin/offices'],
      ['GET', '/api/openapi.json'],
    ]) {
      const res = await fetch(`${base}${url}`, { method, headers: { 'content-type': 'application/json' }, ...(method === 'POST' ? { body: JSON.stringify({ username: 'ana', password: 'x' }) } : {}) });
      expect(res.status, `${method} ${url}`).toBe(403);
      expect(await res.text()).toBe('Staff only');
    }
    const chat = await fetch(`${base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hola' }) });
    expect(chat.status).toBe(200);
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
  });
});
