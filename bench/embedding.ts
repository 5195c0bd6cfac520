/**
 * What turning the embedding model on costs: the full-size generated model (npm run model:shape,
 * cached), quantized and fp32, each through the real server (first start, restart, a minute of
 * load) and in-process (load time, NLU latency per message alone and in batches).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../src/config.js';
import { loadKnowledge } from '../src/knowledge/loader.js';
import { Nlu } from '../src/nlu/nlu.js';
import { EncoderThread } from '../src/nlu/encoders/threaded.js';
import { localeLangs } from '../src/shared/languages.js';
import { SHAPE_MODEL_NAME } from '../scripts/make-shape-model.js';
import { SHAPE_MODELS_DIR, shapeModel } from '../test/support/shape-model.js';
import { benchLoad } from './load.js';
import { percentile } from './nlu.js';

const MESSAGES = [
  '¿Está abierta la OMAC de Torrellano?', 'cómo pido el certificado de empadronamiento', "Està oberta l'OMAC de l'Altet?",
  'vull demanar cita prèvia', 'la sede di Varese è aperta?', 'come prenoto un tampone', 'hur får jag ett folkbokföringsintyg',
  'är kontoret i Altabix öppet?', 'is the El Altet office open yet?', 'phone number for ATS Como',
];

/** A MODELS_DIR holding only the fp32 weights (hard links): the bot then picks them as it would for such a download. */
function fp32ModelsDir(): string {
  const dir = `${SHAPE_MODELS_DIR}-fp32`;
  const from = path.join(SHAPE_MODELS_DIR, SHAPE_MODEL_NAME);
  const to = path.join(dir, SHAPE_MODEL_NAME);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(to, 'onnx'), { recursive: true });
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']) fs.linkSync(path.join(from, f), path.join(to, f));
  return dir;
}

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
async function latency(modelsDir: string, cacheDir: string): Promise<Record<string, number | string>> {
  const started = performance.now();
  const encoder = await EncoderThread.load({ model: SHAPE_MODEL_NAME, modelsDir, allowDownload: false, threads: 1 });
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
  const model = shapeModel();
  const out: Record<string, Record<string, number | string>> = {
    'model files': {
      [model.generated ? 'generated s' : 'cached (generation skipped) s']: +(model.ms / 1000).toFixed(1),
      'onnx/model_quantized.onnx MB': Math.round(fs.statSync(path.join(model.folder, 'onnx/model_quantized.onnx')).size / 1e6),
      'onnx/model.onnx MB': Math.round(fs.statSync(path.join(model.folder, 'onnx/model.onnx')).size / 1e6),
    },
  };
  for (const [label, modelsDir] of [['q8 (onnx/model_quantized.onnx)', SHAPE_MODELS_DIR], ['fp32 (onnx/model.onnx)', fp32ModelsDir()]] as const) {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-embedding-cache-'));
    const load = await benchLoad(seconds, 20, { NLU_ENCODER: 'auto', MODELS_DIR: modelsDir, NLU_CACHE_DIR: cacheDir });
    out[label] = { ...(await latency(modelsDir, cacheDir)), ...load };
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
  return out;
}
