/** NLU latency (whole pipeline: language, intent, entities) and the training time of a first start. */
import fs from 'node:fs';
import path from 'node:path';
import { startServer, stop } from './server.js';
import { ROOT } from '../src/config.js';
import { loadKnowledge } from '../src/knowledge/loader.js';
import { Nlu } from '../src/nlu/nlu.js';
import { loadExamples } from '../src/nlu/training.js';
import { localeLangs } from '../src/shared/languages.js';

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function benchNlu(): Promise<Record<string, number | string>> {
  const kb = loadKnowledge(path.join(ROOT, 'knowledge'));
  const nlu = await Nlu.fromDirectory(path.join(ROOT, 'intents'), kb, { langs: localeLangs(path.join(ROOT, 'locales')), defaultLang: 'es', threshold: 0.35 });
  // Real messages, slightly altered so that caches see new text (typos, case).
  const texts = loadExamples(path.join(ROOT, 'intents')).map((e, i) => (i % 3 === 0 ? e.text.toUpperCase() : i % 3 === 1 ? e.text + ' ?' : e.text.slice(1)));
  for (let i = 0; i < 3000; i++) nlu.parse(texts[i % texts.length]); // warm-up (JIT)
  const times: number[] = [];
  const rounds = 4;
  for (let r = 0; r < rounds; r++) {
    for (const text of texts) {
      const s = process.hrtime.bigint();
      nlu.parse(text);
      times.push(Number(process.hrtime.bigint() - s) / 1000);
    }
  }
  times.sort((a, b) => a - b);
  // Training as a first `npm start` does it (on the bundle's NLU thread; from the sources, tsx
  // would compile that thread's TypeScript first), from intents/ read to both heads trained and
  // fastText loaded: three starts on an empty DATA_DIR.
  const starts: number[] = [];
  for (let i = 0; i < 3; i++) {
    const { server, dataDir, nluStartMs } = await startServer();
    await stop(server);
    fs.rmSync(dataDir, { recursive: true, force: true });
    starts.push(nluStartMs);
  }
  starts.sort((a, b) => a - b);
  return {
    messages: times.length,
    'training ms at a first npm start, median of 3': starts[1],
    '  the three starts': starts.join(', '),
    'median µs per message': +percentile(times, 50).toFixed(1),
    'p99 µs per message': +percentile(times, 99).toFixed(1),
  };
}
