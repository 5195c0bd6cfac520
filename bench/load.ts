/** Load on /api/chat: the real server in its own process (bench/server.ts), autocannon on loopback. */
import fs from 'node:fs';
import autocannon from 'autocannon';
import { startServer, stop } from './server.js';

const MESSAGES = [
  '¿Está abierta la OMAC de Torrellano?', 'teléfono de la ATS de Varese', 'cómo pido el certificado de empadronamiento',
  "Està oberta l'OMAC de l'Altet?", 'quin és el telèfon de Paiporta', 'vull demanar cita prèvia',
  'la sede di Varese è aperta?', "qual è l'email dell'ATS?", 'come prenoto un tampone',
  'är kontoret i Altabix öppet?', 'hur får jag ett folkbokföringsintyg', 'hej',
  'is the El Altet office open yet?', 'phone number for ATS Como', 'which offices are open?', 'thanks, bye',
];

/** Sessions the load spreads over (each gets every message of MESSAGES in turn). */
const SESSIONS = 250;

export const rssMb = (pid: number) => {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Math.round(Number(line.split(/\s+/)[1]) / 1024);
};

/**
 * The load's requests, built once per connection: the 16 messages of each of the connection's
 * conversations in turn. Given setupRequest, autocannon rebuilds every request it sends, and on
 * two cores that client-side work, not the server, capped the figures. Each connection is a
 * few citizens of its own (250 sessions over the connections, each sending the 16 messages in
 * turn), as in life: one conversation's messages come one after another. With one list shared by
 * every connection, all 20 would send the same conversation's message at the same moment, and
 * the core's per-conversation lock would make them wait for each other (it did: 3,600 req/s).
 * The session ids are the server's: each conversation's first message gets one.
 */
export async function chatRequests(port: number, connections: number) {
  const ids = await Promise.all(
    Array.from({ length: SESSIONS }, async () => {
      const res = await fetch(`http://127.0.0.1:${port}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hola' }) });
      return ((await res.json()) as { sessionId: string }).sessionId;
    }),
  );
  return (connection: number) =>
    ids
      .filter((_, s) => s % connections === connection)
      .flatMap((sessionId) => MESSAGES.map((text) => ({ method: 'POST' as const, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sessionId, text }) })));
}

/** The machine's CPU time so far, from /proc/stat: [all, stolen by the hypervisor] in clock ticks. */
export function cpuTicks(): [number, number] {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return [fields.reduce((a, b) => a + b, 0), fields[7] ?? 0];
}

const METRICS_TOKEN = 'bench-load-metrics-token-0123456789';

/** Messages the n-gram head classified alone so far (the embedding model's queue full). */
async function encoderSkipped(port: number): Promise<number> {
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  return Number(/chatbot_nlu_encoder_skipped_total\{channel="web"\} (\d+)/.exec(metrics)?.[1] ?? 0);
}

/** @param env on top of the bench server's (an embedding model: NLU_ENCODER=auto, MODELS_DIR) */
export async function benchLoad(seconds = 60, connections = 20, env: Record<string, string> = {}): Promise<Record<string, number | string>> {
  // First start trains the NLU; a restart finds the trained model in DATA_DIR.
  const withToken = { ...env, METRICS_TOKEN };
  const startMs = env.NLU_ENCODER === 'auto' ? 600_000 : 60_000;
  const cold = await startServer(undefined, withToken, startMs);
  await stop(cold.server);
  const { server, port, dataDir, readyMs } = await startServer(cold.dataDir, withToken, startMs);
  const requestsOf = await chatRequests(port, connections);
  // The sessions' first messages above came as one burst of 250: not part of the load.
  const skippedBefore = await encoderSkipped(port);
  const before = cpuTicks();
  const result = await chatLoad(port, seconds, connections, requestsOf);
  const after = cpuTicks();
  const rss = rssMb(server.pid!);
  const skipped = (await encoderSkipped(port)) - skippedBefore;
  await stop(server);
  fs.rmSync(dataDir, { recursive: true, force: true });
  return {
    connections,
    'duration s': seconds,
    'requests/s (mean)': Math.round(result.requests.average),
    'latency p50 ms': result.latency.p50,
    'latency p99 ms': result.latency.p99,
    'non-2xx responses': result.non2xx,
    ...(env.NLU_ENCODER === 'auto' ? { 'messages answered by the n-gram head alone %': +((100 * skipped) / Math.max(1, result.requests.total)).toFixed(2) } : {}),
    'errors / timeouts': `${result.errors} / ${result.timeouts}`,
    'server RSS after load MB': rss,
    // On a virtual machine the host may take CPU time away: figures from a run with a high share are low.
    'CPU stolen by the host during the load %': Math.round((100 * (after[1] - before[1])) / Math.max(1, after[0] - before[0])),
    'first start to ready ms (trains the NLU)': cold.readyMs,
    '  of which NLU training ms': cold.nluStartMs,
    'restart to ready ms (trained model cached)': readyMs,
  };
}

/** `seconds` of autocannon on /api/chat, each connection sending its own conversations' messages (chatRequests). */
export function chatLoad(port: number, seconds: number, connections: number, requestsOf: Awaited<ReturnType<typeof chatRequests>>) {
  let connection = 0;
  return autocannon({
    url: `http://127.0.0.1:${port}/api/chat`,
    connections,
    duration: seconds,
    requests: requestsOf(0),
    setupClient: (client) => client.setRequests(requestsOf(connection++ % connections)),
  });
}
