import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT } from '../../src/config.js';

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  output(): string;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

/** The real server (`node --import tsx src/main.ts`) in its own process, with this environment on top of a clean one. */
export function startServerProcess(port: number, env: Record<string, string>): ServerProcess {
  // The n-gram encoder unless the test asks for the embedding model (NLU_ENCODER=auto).
  const base: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', RATE_LIMIT_PER_MINUTE: '0', NLU_ENCODER: 'ngram' };
  for (const key of ['REDIS_URL', 'STORE', 'TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_URL', 'KNOWLEDGE_DIR', 'INTENTS_DIR', 'LOCALES_DIR', 'NODE_OPTIONS']) delete base[key];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, port, output: () => out, exited };
}

/** Resolves once the output holds `text`, or fails after `timeoutMs`. */
export async function untilLogged(server: ServerProcess, text: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!server.output().includes(text)) {
    if (server.child.exitCode !== null) throw new Error(`server exited before logging "${text}":\n${server.output()}`);
    if (Date.now() > deadline) throw new Error(`"${text}" not logged within ${timeoutMs} ms:\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
