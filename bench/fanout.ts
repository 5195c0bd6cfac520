/** 20,000 web-chat citizens subscribe to one office through /api/chat, then staff change its status: the fan-out's time and rate. */
import { startServer, stop } from './server.js';

const TOKEN = 'bench-admin-token-0123456789';
const METRICS_TOKEN = 'bench-metrics-token-0123456789';
const OFFICE = 'elche-el-altet';
const CONNECTIONS = 20;

/** The value of one series in /metrics (0 when absent). */
async function metric(port: number, series: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

export async function benchFanOut(citizens: number): Promise<Record<string, string>> {
  const { server, port } = await startServer(undefined, { ADMIN_TOKEN: TOKEN, METRICS_TOKEN });
  try {
    let next = 0;
    let refused = 0;
    // The session ids are the server's: each citizen keeps the one its subscription came back with.
    const ids: string[] = [];
    const subscribeStarted = performance.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (next < citizens) {
          const i = next++;
          const res = await fetch(`http://127.0.0.1:${port}/api/chat`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ text: 'Avísame cuando abra la OMAC de El Altet' }),
          });
          const body = (await res.json()) as { sessionId: string; nlu?: { intent: string } };
          ids[i] = body.sessionId;
          if (res.status !== 200 || body.nlu?.intent !== 'subscribe_updates') refused++;
        }
      }),
    );
    const subscribeMs = performance.now() - subscribeStarted;

    const fanOutStarted = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/api/admin/offices/${OFFICE}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'open' }),
    });
    if (res.status !== 200) throw new Error(`PATCH answered ${res.status}`);
    const series = 'chatbot_notifications_delivered_total{channel="web"}';
    while ((await metric(port, series)) < citizens - refused) {
      if (performance.now() - fanOutStarted > 300_000) throw new Error(`the fan-out did not finish in time: ${await metric(port, series)} of ${citizens - refused} delivered, ${await metric(port, 'chatbot_notifications_pending')} pending`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const fanOutMs = performance.now() - fanOutStarted;
    const last = (await (await fetch(`http://127.0.0.1:${port}/api/chat/${ids[citizens - 1]}/notifications`)).json()) as { notifications: string[] };
    return {
      'subscriptions (POST /api/chat, 20 connections)': `${citizens - refused} of ${citizens} in ${(subscribeMs / 1000).toFixed(1)} s (${Math.round(citizens / (subscribeMs / 1000))}/s)`,
      'fan-out: status change to every notice in its inbox': `${(fanOutMs / 1000).toFixed(2)} s`,
      'deliveries per second': `${Math.round((citizens - refused) / (fanOutMs / 1000))}`,
      'the last citizen polled': `${last.notifications.length} notice(s)`,
    };
  } finally {
    await stop(server);
  }
}
