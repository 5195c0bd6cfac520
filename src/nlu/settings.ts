import path from 'node:path';
import type { Config } from '../config.js';
import type { NluOptions } from './types.js';
import type { EncoderThreadOptions } from './encoders/threaded.js';

/** What the NLU is started from: plain data, so that the NLU thread gets it as its workerData. */
export interface NluSettings {
  /** On a thread of its own (NLU_THREAD), or on the thread that creates it. */
  thread: boolean;
  intentsDir: string;
  /** Where trained models are kept between starts; none: always train. */
  cacheDir?: string;
  options: NluOptions;
  /** The embedding model to load beside the built-in encoder (NLU_ENCODER=auto). */
  embedding?: EncoderThreadOptions;
}

/** @param langs the languages with texts (localeLangs()) */
export function nluSettings(config: Config, langs: string[]): NluSettings {
  return {
    thread: config.NLU_THREAD,
    intentsDir: config.INTENTS_DIR,
    cacheDir: config.NLU_CACHE_DIR === 'off' ? undefined : (config.NLU_CACHE_DIR ?? path.join(config.DATA_DIR, 'nlu-cache')),
    options: { langs, defaultLang: config.DEFAULT_LANG, threshold: config.NLU_CONFIDENCE_THRESHOLD },
    embedding:
      config.NLU_ENCODER === 'auto'
        ? {
            model: config.NLU_MODEL,
            modelsDir: config.MODELS_DIR,
            allowDownload: config.NLU_ALLOW_DOWNLOAD,
            threads: config.NLU_ONNX_THREADS,
            batch: { maxSize: config.NLU_BATCH_SIZE, maxWaitMs: config.NLU_BATCH_WAIT_MS, maxQueue: config.NLU_QUEUE_LIMIT },
          }
        : undefined,
  };
}
