/** A live retraining: how long from teaching an example to the new model serving, and the chat latency meanwhile. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { assemble } from '../src/app/assemble.js';
import { buildApp } from '../src/app/http.js';
import { percentile } from './nlu.js';

const TOKEN = 'bench-retrain-admin-token-0123456789';
const QUESTIONS = ['¿Está abierta la OMAC de Altabix?', 'necesito un certificado de empadronamiento', 'What is the phone number of ATS Insubria Como?', 'Com demane cita prèvia?'];

export async function benchRetrain(): Promise<Record<string, number | string>> {
  // A model cache of its own, empty: the retraining really trains (the start trains too).
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-retrain-'));
  const config = loadConfig({ LOG_LEVEL: 'silent', STORE: 'memory', DATA_DIR: dataDir, ADMIN_TOKEN: TOKEN, RATE_LIMIT_PER_MINUTE: '0', NLU_ENCODER: 'ngram' });
  const bot = await assemble(config);
  const app = buildApp({ bot, adminToken: TOKEN });
  await app.ready();
  try {
    // Four conversations chatting one message after another each, timed: before, then during a retraining.
    const chatFor = async (stop: () => boolean) => {
      const times: number[] = [];
      let errors = 0;
      await Promise.all(
        [0, 1, 2, 3].map(async (c) => {
          for (let n = 0; !stop(); n++) {
            const t = performance.now();
            const res = await app.inject({ method: 'POST', url: '/api/chat', payload: { text: QUESTIONS[(n + c) % QUESTIONS.length] } });
            times.push(performance.now() - t);
            if (res.statusCode !== 200) errors++;
          }
        }),
      );
      return { times: times.sort((a, b) => a - b), errors };
    };
    const quietUntil = performance.now() + 2000;
    const before = await chatFor(() => performance.now() > quietUntil);

    let retraining = true;
    const during = chatFor(() => !retraining);
    const start = performance.now();
    const res = await app.inject({
      method: 'POST',
      url: '/api/admin/examples',
      headers: { authorization: `Bearer ${TOKEN}` },
      payload: { text: 'tengo que sacar el volante para matricular al niño', lang: 'es', intent: 'certificate_request' },
    });
    const retrainMs = performance.now() - start;
    retraining = false;
    const load = await during;
    if (res.statusCode !== 201) throw new Error(`teaching answered ${res.statusCode}: ${res.body}`);
    const status = bot.teaching.status();
    return {
      'teach -> retrained model serving (ms)': Math.round(retrainMs),
      'of which training on its thread (ms)': status.trainingMs,
      'training examples (taught)': `${status.examples} (${status.taught})`,
      'chat requests during the retraining': load.times.length,
      'chat errors during the retraining': load.errors,
      'chat p50 / p99 / max during the retraining (ms)': `${percentile(load.times, 50).toFixed(1)} / ${percentile(load.times, 99).toFixed(1)} / ${load.times.at(-1)!.toFixed(1)}`,
      'chat p50 / p99 / max before, 2 s (ms)': `${percentile(before.times, 50).toFixed(1)} / ${percentile(before.times, 99).toFixed(1)} / ${before.times.at(-1)!.toFixed(1)}`,
    };
  } finally {
    await app.close();
    await bot.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
