/**
 * What turning the embedding model on costs, on the real weights (npm run model:fetch): the
 * n-gram encoder alone, then multilingual-e5-small pruned to the five languages' pieces and with
 * its full vocabulary, each through the real server (first start, restart, load) and in-process
 * (load time, NLU latency per message alone and in batches).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, loadConfig } from '../src/config.js';
import { loadKnowledge } from '../src/knowledge/loader.js';
import { Nlu } from '../src/nlu/nlu.js';
import { EncoderThread } from '../src/nlu/encoders/threaded.js';
import { localeLangs } from '../src/shared/languages.js';
import { FETCHED_MODELS, fetchModels, modelCacheDir } from '../scripts/model-fetch.js';
import { benchLoad } from './load.js';
import { percentile } from './nlu.js';

const MESSAGES = [
  '¿Está abierta la OMAC de Torrellano?', 'cómo pido el certificado de empadronamiento', "Està oberta l'OMAC de l'Altet?",
  'vull demanar cita prèvia', 'la sede di Varese è aperta?', 'come prenoto un tampone', 'hur får jag ett folkbokföringsintyg',
  'är kontoret i Altabix öppet?', 'is the El Altet office open yet?', 'phone number for ATS Como',
];

/** Milliseconds from each message's analyse() to its reading. */
async function timed(nlu: Nlu, texts: string[]): Promise<number[]> {
  return Promise.all(
    texts.map(async (t) => {
      const s = performance.now();
      await nlu.analyse(t);
      return performance.now() - s;
    }),
  );
}

/** In-process: the model's load on its thread, then the NLU's latency per message, alone and 8 or 32 at once. */
async function latency(model: string, modelsDir: string, cacheDir: string): Promise<Record<string, number | string>> {
  const started = performance.now();
  const encoder = await EncoderThread.load({ model, modelsDir, allowDownload: false, threads: 1 });
  const loadMs = Math.round(performance.now() - started);
  const kb = loadKnowledge(path.join(ROOT, 'knowledge'));
  // The server's start left the trained heads in cacheDir: nothing is trained here.
  const nlu = await Nlu.fromDirectory(path.join(ROOT, 'intents'), kb, { langs: localeLangs(path.join(ROOT, 'locales')), defaultLang: 'es', threshold: 0.35 }, cacheDir, encoder);
  for (let i = 0; i < 40; i++) await nlu.analyse(MESSAGES[i % MESSAGES.length]); // warm-up
  const alone: number[] = [];
  for (let i = 0; i < 200; i++) alone.push(...(await timed(nlu, [MESSAGES[i % MESSAGES.length] + ` ${i}`])));
  const burst = async (size: number) => {
    const out: number[] = [];
    for (let r = 0; r < 200 / size; r++) out.push(...(await timed(nlu, Array.from({ length: size }, (_, i) => `${MESSAGES[(r + i) % MESSAGES.length]} ${i}`))));
    return out.sort((a, b) => a - b);
  };
  const [by8, by32] = [await burst(8), await burst(32)];
  alone.sort((a, b) => a - b);
  await nlu.close();
  const f = (x: number) => +x.toFixed(1);
  return {
    'model load on its thread ms (tokenizer + ONNX session)': loadMs,
    'NLU ms per message alone: median / p99': `${f(percentile(alone, 50))} / ${f(percentile(alone, 99))}`,
    'NLU ms per message, 8 at once: median / p99': `${f(percentile(by8, 50))} / ${f(percentile(by8, 99))}`,
    'NLU ms per message, 32 at once: median / p99': `${f(percentile(by32, 50))} / ${f(percentile(by32, 99))}`,
  };
}

export async function benchEmbedding(seconds: number): Promise<Record<string, Record<string, number | string>>> {
  const config = loadConfig();
  const fetched = fetchModels(config.MODELS_DIR, modelCacheDir(config.MODEL_CACHE_DIR), FETCHED_MODELS);
  const out: Record<string, Record<string, number | string>> = {
    'model files MB': Object.fromEntries(fetched.map((f) => [f.id, Math.round(folderBytes(f.folder) / 1e6)])),
    'n-gram encoder alone': await benchLoad(seconds, 20, { NLU_ENCODER: 'ngram' }),
  };
  for (const { id } of fetched) {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-embedding-cache-'));
    const load = await benchLoad(seconds, 20, { NLU_ENCODER: 'auto', NLU_MODEL: id, MODELS_DIR: config.MODELS_DIR, NLU_CACHE_DIR: cacheDir });
    out[id] = { ...(await latency(id, config.MODELS_DIR, cacheDir)), ...load };
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
  return out;
}

function folderBytes(dir: string): number {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).reduce((sum, f) => sum + (fs.statSync(path.join(dir, f)).isFile() ? fs.statSync(path.join(dir, f)).size : 0), 0);
}
