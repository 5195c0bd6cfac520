/** NLU latency (whole pipeline: language, intent, entities) and start-up training time. */
import path from 'node:path';
import { ROOT } from '../src/config.js';
import { loadKnowledge } from '../src/knowledge/loader.js';
import { Nlu } from '../src/nlu/index.js';
import { loadExamples } from '../src/nlu/training.js';
import { LANGS } from '../src/knowledge/schema.js';

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function benchNlu(): Promise<Record<string, number>> {
  const kb = loadKnowledge(path.join(ROOT, 'knowledge'));
  const t0 = performance.now();
  const nlu = await Nlu.fromDirectory(path.join(ROOT, 'intents'), kb, { langs: [...LANGS], defaultLang: 'es', threshold: 0.35 });
  const startupMs = performance.now() - t0;
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
  return {
    messages: times.length,
    'training ms (intent and language heads, fastText load)': Math.round(nlu.trainingMs),
    'NLU ready ms (the above + reading intents/ YAML)': Math.round(startupMs),
    'median µs per message': +percentile(times, 50).toFixed(1),
    'p99 µs per message': +percentile(times, 99).toFixed(1),
  };
}
