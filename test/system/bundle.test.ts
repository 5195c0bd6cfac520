import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../src/config.js';
import { freePort } from '../support/free-port.js';
import { buildBundle, startArgs, startEnv } from '../support/npm-start.js';

/**
 * The server as `npm start` runs it: the esbuild bundle in dist/, whose NLU thread is
 * dist/nlu-thread.js (the other tests run the sources, where it runs through tsx); with
 * NLU_THREAD=false the NLU trains on the main thread.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-'));
const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-'));
afterAll(() => [dataDir, otherDir].forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

async function serve<T>(use: (port: number) => Promise<T>, more: NodeJS.ProcessEnv = {}): Promise<{ result: T; log: string }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, ...startEnv(), PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, NLU_ENCODER: 'ngram', LOG_LEVEL: 'info', ...more };
  for (const key of ['REDIS_URL', 'STORE', 'TELEGRAM_BOT_TOKEN', 'KNOWLEDGE_DIR', 'INTENTS_DIR', 'LOCALES_DIR', 'NODE_OPTIONS']) delete env[key];
  const child = spawn(process.execPath, startArgs(), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (c) => (log += c));
  child.stderr.on('data', (c) => (log += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    for (const deadline = Date.now() + 30_000; !(await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false)); ) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the bundle did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const result = await use(port);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    return { result, log };
  } finally {
    child.kill('SIGKILL');
  }
}

/** Each question in a session of its own: the sessions of the first run are still in DATA_DIR on the second. */
const ask = (port: number, text: string, sessionId: string) =>
  fetch(`http://127.0.0.1:${port}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sessionId, text }) }).then(
    async (r) => ({ status: r.status, body: await r.json() }),
  );

describe('the bundle (npm start)', () => {
  it('builds, trains the NLU on its thread and answers; a restart loads the trained model; so does the NLU on the main thread', async () => {
    buildBundle();
    for (const thread of ['nlu-thread.js']) expect(fs.existsSync(path.join(ROOT, 'dist', thread))).toBe(true);
    const questions = ['¿Cuál es el teléfono de la ATS de Varese?', "Està oberta l'OMAC de l'Altet?", 'how do I get my certificate of residence online?'];
    const first = await serve((port) => Promise.all(questions.map((q, i) => ask(port, q, `first-${i}`))));
    for (const { status } of first.result) expect(status).toBe(200);
    expect(first.result.map(({ body }) => [body.nlu.intent, body.nlu.entities.office, body.lang])).toEqual([
      ['contact_phone', 'ats-insubria-varese', 'es'],
      ['office_status', 'elche-el-altet', 'ca'],
      ['certificate_request', undefined, 'en'],
    ]);
    expect(first.log).toMatch(/citizen chatbot ready/);
    expect(fs.readdirSync(path.join(dataDir, 'nlu-cache')).length).toBeGreaterThan(0);

    const again = await serve((port) => Promise.all(questions.map((q, i) => ask(port, q, `again-${i}`))));
    expect(again.result.map(({ body }) => body.nlu)).toEqual(first.result.map(({ body }) => body.nlu));

    const inMain = await serve((port) => Promise.all(questions.map((q, i) => ask(port, q, `main-${i}`))), { NLU_THREAD: 'false', DATA_DIR: otherDir });
    expect(inMain.result.map(({ body }) => body.nlu)).toEqual(first.result.map(({ body }) => body.nlu));
  }, 90_000);

  it('serves the API description, the docs page with its files, and the health checks with a request id', async () => {
    const get = async (port: number, url: string) => {
      const res = await fetch(`http://127.0.0.1:${port}${url}`);
      return { url, status: res.status, id: res.headers.get('x-request-id'), body: await res.text() };
    };
    const { result } = await serve((port) => Promise.all(['/api/openapi.json', '/api/docs/', '/api/docs/static/swagger-ui-bundle.js', '/health/ready'].map((url) => get(port, url))));
    for (const res of result) expect(res.status, res.url).toBe(200);
    expect(JSON.parse(result[0].body).openapi).toBe('3.1.0');
    expect(result[3].id).toMatch(/^[0-9a-f-]{36}$/);
  }, 60_000);

  it('serves the status page and writes its static copy to STATUS_EXPORT_DIR (write-file-atomic stays outside the bundle)', async () => {
    const exportDir = path.join(otherDir, 'status-export');
    const { result, log } = await serve(async (port) => {
      const page = await fetch(`http://127.0.0.1:${port}/status?lang=ca`);
      return { status: page.status, body: await page.text() };
    }, { STATUS_EXPORT_DIR: exportDir });
    expect(result.status).toBe(200);
    expect(result.body).toContain('<html lang="ca">');
    expect(log).not.toMatch(/export not written/);
    expect(fs.readdirSync(exportDir)).toEqual(expect.arrayContaining(['index.html', 'index.ca.html', 'status.json', 'status.css', 'elche.atom']));
  }, 60_000);
});
