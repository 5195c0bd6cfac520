import type { KnowledgeBase, Lang } from '../knowledge/schema.js';
import { Nlu } from './index.js';
import { TransformersEncoder } from './encoders/transformers.js';
import type { Training } from './heads.js';
import type { NluSettings } from './settings.js';

/** Where the NLU reports what its start could not do (a missing embedding model), and a thread that stopped. */
export interface NluLog {
  warn(msg: string): void;
  error(msg: string): void;
}

/** The embedding model when one is configured and it loads; otherwise the built-in encoder alone. */
async function loadEmbeddings(settings: NluSettings, log: Pick<NluLog, 'warn'>): Promise<TransformersEncoder | undefined> {
  if (!settings.embedding) return undefined;
  try {
    return await TransformersEncoder.load(settings.embedding);
  } catch (err) {
    log.warn(`${(err as Error).message.split('\n')[0]} — starting on the built-in n-gram encoder.`);
    return undefined;
  }
}

/**
 * The NLU, trained on the intents or loaded from the model cache, on this thread (the NLU thread
 * runs this too: thread-worker.ts). `kb` may still be coming: training does not need it.
 */
export async function startNlu(
  settings: NluSettings,
  kb: KnowledgeBase | Promise<KnowledgeBase>,
  log: Pick<NluLog, 'warn'>,
  train?: (dir: string, langs: Lang[]) => Training,
): Promise<Nlu> {
  return Nlu.fromDirectory(settings.intentsDir, kb, settings.options, settings.cacheDir, await loadEmbeddings(settings, log), train);
}
