/** The real server in its own process, as `npm start` runs it (the bundle, built once per bench run). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../test/support/free-port.js';
import { buildBundle, startArgs, startEnv } from '../test/support/npm-start.js';

let built = false;

/**
 * Starts the server on `dataDir` (a new empty one by default) and waits for /health (a first start
 * on the full-size embedding model embeds 5,000 training examples: give it `timeoutMs`).
 */
export async function startServer(dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-')), env: Record<string, string> = {}, timeoutMs = 60_000) {
  if (!built) buildBundle();
  built = true;
  const port = await freePort();
  const started = performance.now();
  const server = spawn(process.execPath, withFlags(startArgs()), {
    env: {
      ...process.env,
      ...startEnv(),
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      STORE: process.env.BENCH_STORE ?? 'sqlite',
      RATE_LIMIT_PER_MINUTE: '0',
      NLU_ENCODER: 'ngram',
      LOG_LEVEL: 'error',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const health = await healthy(port, started, timeoutMs);
  return { server, port, dataDir, readyMs: Math.round(performance.now() - started), nluStartMs: health.nluStartMs as number };
}

/** BENCH_NODE_FLAGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) go to node before the script, after npm start's own flags. */
function withFlags(args: string[]): string[] {
  const extra = process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? [];
  return [...args.slice(0, -1), ...extra, ...args.slice(-1)];
}

/** The yardstick of `bench -- ratio`: bench/bare-fastify.mjs, run by node with npm start's flags and environment instead of the bundle. */
export async function startBareFastify() {
  const port = await freePort();
  const started = performance.now();
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bare-fastify.mjs');
  const server = spawn(process.execPath, [...startArgs().slice(0, -1), script], { env: { ...process.env, ...startEnv(), PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  await healthy(port, started, 10_000);
  return { server, port };
}

async function healthy(port: number, started: number, timeoutMs: number): Promise<Record<string, unknown>> {
  for (;;) {
    const health = await fetch(`http://127.0.0.1:${port}/health`).then((r) => (r.ok ? r.json() : undefined), () => undefined);
    if (health) return health;
    if (performance.now() - started > timeoutMs) throw new Error(`the server did not become ready in ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function stop(server: ChildProcess): Promise<void> {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
}
