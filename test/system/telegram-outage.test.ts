import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeBotApi } from '../support/fake-bot-api.js';
import { freePort } from '../support/free-port.js';
import { startServerProcess, untilLogged, type ServerProcess } from '../support/server-process.js';

/** The real server polling a Bot API that then goes away: the outage is seen at once, and SIGTERM still ends it. */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-outage-'));
let server: ServerProcess | undefined;

afterAll(() => {
  if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the Telegram Bot API stops answering', () => {
  it('is logged and shown in /health within seconds, the web chat keeps serving, and SIGTERM ends the process within 10 s', { timeout: 120_000 }, async () => {
    const api = new FakeBotApi();
    await api.start();
    server = startServerProcess(await freePort(), { STORE: 'sqlite', DATA_DIR: dataDir, TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_API_ROOT: api.url, METRICS_TOKEN: 'metrics-token-for-the-test' });
    await untilLogged(server, 'telegram channel started');
    const health = async () => (await fetch(`http://127.0.0.1:${server!.port}/health`)).json() as Promise<{ degraded: string[] }>;
    expect((await health()).degraded).toEqual([]);

    await api.close();
    const down = Date.now();
    await untilLogged(server, 'telegram Bot API unreachable', 10_000);
    const seenMs = Date.now() - down;
    expect((await health()).degraded).toEqual(['telegram']);
    const metrics = await (await fetch(`http://127.0.0.1:${server.port}/metrics`, { headers: { authorization: 'Bearer metrics-token-for-the-test' } })).text();
    expect(metrics).toMatch(/chatbot_outage\{part="telegram"\} 1/);
    const chat = await fetch(`http://127.0.0.1:${server.port}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId: 'during-outage', text: 'Is OMAC Torrellano open?' }),
    });
    expect(chat.status).toBe(200);

    const sigterm = Date.now();
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    const stopMs = Date.now() - sigterm;
    console.log(`outage logged after ${seenMs} ms; SIGTERM to exit ${stopMs} ms`);
    expect(seenMs).toBeLessThan(5_000);
    expect(stopMs).toBeLessThan(10_000);
    expect(exit).toEqual({ code: 0, signal: null });
  });
});
