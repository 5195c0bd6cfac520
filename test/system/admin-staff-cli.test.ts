import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../src/config.js';
import { freePort } from '../support/free-port.js';
import { startServerProcess, untilLogged, type ServerProcess } from '../support/server-process.js';

const TOKEN = 'cli-admin-token-0123456789';
let server: ServerProcess;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'staff-cli-'));
  env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', ADMIN_TOKEN: TOKEN, DATA_DIR: dir, NLU_ENCODER: 'ngram', LOG_LEVEL: 'info' };
  server = startServerProcess(port, { ADMIN_TOKEN: TOKEN, DATA_DIR: dir, NLU_ENCODER: 'ngram', NLU_CACHE_DIR: 'off' });
  await untilLogged(server, 'citizen chatbot ready', 120_000);
}, 130_000);
afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
});

/** `npm run admin -- …` as staff run it (tsx scripts/admin.ts), with what is piped into it. */
const admin = (args: string[], input?: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', ...args], { cwd: ROOT, env, input: input ?? '', encoding: 'utf8' });

describe('npm run admin -- staff', () => {
  it('adds (password from standard input), lists, changes the password and removes; the password never shows', async () => {
    const add = admin(['staff', 'add', 'ana', '--role', 'editor', '--org', 'paiporta'], 'a password from stdin\n');
    expect(add.status, add.stderr).toBe(0);
    expect(add.stdout).toContain('"username": "ana"');
    expect(add.stdout).not.toContain('a password from stdin');
    const login = await fetch(`http://127.0.0.1:${server.port}/api/staff/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ana', password: 'a password from stdin' }) });
    expect(login.status).toBe(200);
    const list = admin(['staff', 'list']);
    expect(JSON.parse(list.stdout).accounts).toEqual([expect.objectContaining({ username: 'ana', role: 'editor', orgs: ['paiporta'] })]);
    expect(admin(['staff', 'add', 'bob', '--role', 'editor', '--org', 'paiporta'], 'short\n').status).toBe(1);
    expect(admin(['staff', 'passwd', 'ana'], 'another password here').status).toBe(0);
    expect(admin(['staff', 'add', 'ana', '--colour', 'red']).status).toBe(2);
    expect(admin(['staff', 'remove', 'ana']).status).toBe(0);
    expect(JSON.parse(admin(['staff', 'list']).stdout).accounts).toEqual([]);
    expect(server.output()).not.toMatch(/a password from stdin|another password here/);
  });
});
