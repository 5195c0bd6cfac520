import { NluThread } from './thread.js';
import type { NluSettings } from './settings.js';
import type { Entities } from './entities.js';
import type { KnowledgeBase, Lang } from '../knowledge/schema.js';

export const OUT_OF_SCOPE = 'out_of_scope';

export interface NluResult {
  lang: Lang;
  langConfidence: number;
  intent: string;
  confidence: number;
  entities: Entities;
  /** The message is only entity names and function words (an answer to "which office?"). */
  bare: boolean;
  /** The embedding model's queue was full: the n-gram head classified this message alone. */
  encoderSkipped?: true;
}

export interface NluOptions {
  langs: Lang[];
  defaultLang: Lang;
  /** Below this probability the intent is out_of_scope. */
  threshold: number;
}

/** What the bot asks of the NLU, on this thread (Nlu) or on a thread of its own (NluThread). */
export interface NluService {
  analyse(text: string, hint?: Lang): Promise<NluResult>;
  /** Rebuilds the entity gazetteer after the knowledge base changed (new offices or aliases). */
  useKnowledge(kb: KnowledgeBase): void;
  readonly intents: string[];
  /** The active encoders and language identifiers, for /health. */
  readonly encoders: string[];
  /** What this start spent on the model: training it, or loading it from the cache. */
  readonly trainingMs: number;
  /** Ends what the NLU still has under way (a cache write, its thread). */
  close(): Promise<void>;
}

/** Where the NLU reports what its start could not do (a missing embedding model), and a thread that stopped. */
export interface NluLog {
  warn(msg: string): void;
  error(msg: string): void;
}

const quiet: NluLog = { warn() {}, error() {} };

/**
 * The NLU, trained on the intents or loaded from the model cache: on a thread of its own when
 * `settings.thread`, else on this one. `knowledge` (for the entities) may still be coming: the
 * thread starts training at once.
 */
export async function createNlu(settings: NluSettings, knowledge: KnowledgeBase | Promise<KnowledgeBase>, log: NluLog = quiet): Promise<NluService> {
  if (settings.thread) {
    const thread = NluThread.start(settings);
    try {
      return await thread.serving(await knowledge, log);
    } catch (err) {
      await thread.close();
      throw err;
    }
  }
  // Loaded here only: with the thread, the main thread never needs the pipeline's code.
  const { Nlu } = await import('./nlu.js');
  return Nlu.start(settings, knowledge, log);
}
