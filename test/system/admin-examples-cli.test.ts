import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../src/config.js';
import { loadExamples } from '../../src/nlu/training.js';
import { freePort } from '../support/free-port.js';
import { startServerProcess, untilLogged, type ServerProcess } from '../support/server-process.js';

const TOKEN = 'examples-cli-admin-token-0123456789';
let server: ServerProcess;
let env: NodeJS.ProcessEnv;
let dir: string;

beforeAll(async () => {
  const port = await freePort();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'examples-cli-'));
  env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', ADMIN_TOKEN: TOKEN, DATA_DIR: dir };
  server = startServerProcess(port, { ADMIN_TOKEN: TOKEN, DATA_DIR: dir, NLU_ENCODER: 'ngram' });
  await untilLogged(server, 'citizen chatbot ready', 120_000);
}, 130_000);
afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  fs.rmSync(dir, { recursive: true, force: true });
});

const admin = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', ...args], { cwd: ROOT, env, encoding: 'utf8' });

describe('npm run admin -- examples export', () => {
  it('writes the taught examples as intent files that intents/ can take as they are', async () => {
    const text = 'tengo que sacar el volante para matricular al niño';
    const taught = await fetch(`http://127.0.0.1:${server.port}/api/admin/examples`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ text, lang: 'es', intent: 'certificate_request' }),
    });
    expect(taught.status, await taught.clone().text()).toBe(201);
    const out = path.join(dir, 'taught');
    const run = admin(['examples', 'export', '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('1 examples to add to intents/certificate_request.yaml');
    expect(fs.readdirSync(out)).toEqual(['certificate_request.yaml']);
    expect(loadExamples(out)).toEqual([{ text, lang: 'es', intent: 'certificate_request' }]);
  }, 60_000);
});
