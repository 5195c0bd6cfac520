/** Load on /api/chat: the real server in its own process, autocannon on loopback. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { ROOT } from '../src/config.js';

const MESSAGES = [
  '¿Está abierta la OMAC de Torrellano?', 'teléfono de la ATS de Varese', 'cómo pido el certificado de empadronamiento',
  "Està oberta l'OMAC de l'Altet?", 'quin és el telèfon de Paiporta', 'vull demanar cita prèvia',
  'la sede di Varese è aperta?', "qual è l'email dell'ATS?", 'come prenoto un tampone',
  'är kontoret i Altabix öppet?', 'hur får jag ett folkbokföringsintyg', 'hej',
  'is the El Altet office open yet?', 'phone number for ATS Como', 'which offices are open?', 'thanks, bye',
];

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

const rssMb = (pid: number) => {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Math.round(Number(line.split(/\s+/)[1]) / 1024);
};

export async function benchLoad(seconds = 60, connections = 20): Promise<Record<string, number | string>> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const started = performance.now();
  const server = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts')], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, STORE: process.env.BENCH_STORE ?? 'sqlite', RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  let readyMs = 0;
  while (!readyMs) {
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) readyMs = performance.now() - started;
    else await new Promise((r) => setTimeout(r, 20));
    if (performance.now() - started > 60_000) throw new Error('the server did not become ready in 60 s');
  }
  let n = 0;
  const result = await autocannon({
    url: `${url}/api/chat`,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        // Many sessions, so that context and the store are exercised, not one hot key.
        setupRequest: (req: autocannon.Request) => ({ ...req, body: JSON.stringify({ sessionId: `load-${n % 5000}`, text: MESSAGES[n++ % MESSAGES.length] }) }),
      },
    ],
  });
  const rss = rssMb(server.pid!);
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  return {
    'connections': connections,
    'duration s': seconds,
    'requests/s (mean)': Math.round(result.requests.average),
    'latency p50 ms': result.latency.p50,
    'latency p99 ms': result.latency.p99,
    'non-2xx responses': result.non2xx,
    'errors / timeouts': `${result.errors} / ${result.timeouts}`,
    'server RSS after load MB': rss,
    'start to ready ms (spawn to /health 200)': Math.round(readyMs),
  };
}
