// What the NLU gives and what the bot asks of it: imported by the NLU's own files, so that none
// of them needs the entry (index.ts), which starts them.
import type { Entities } from './entities.js';
import type { Act } from './acts.js';
import type { KnowledgeBase, Lang } from '../knowledge/schema.js';
import type { IntentModelState } from './intent.js';
import type { ClassifierState } from './classifier.js';
import type { SvmState } from './svm.js';
import type { Example } from './training.js';

export const OUT_OF_SCOPE = 'out_of_scope';

export interface NluResult {
  lang: Lang;
  langConfidence: number;
  intent: string;
  confidence: number;
  entities: Entities;
  /** The most probable intents before the threshold, best first (the review list shows them). */
  guesses?: { intent: string; confidence: number }[];
  /** The message is only entity names and function words (an answer to "which office?"). */
  bare: boolean;
  /** The form of its question (yes/no, how, where…); none: a statement, it asks nothing. */
  act?: Act;
  /** It says "no", "not", "inte"… ("no borres mis datos"). */
  negated?: boolean;
  /** It asks about a day or a time ("¿hay cita para hoy?", "il sabato è aperta?"). */
  timed?: boolean;
  /** No word of it is a word the bot knows, in any language ("asdfgh ñlkj"). */
  gibberish?: boolean;
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
  /**
   * Retrains on intents/ plus the job's overlay (src/operations/teaching.ts) on a thread of its own,
   * and serves the model from the next message on if the guard rail accepts it; resolves then.
   */
  retrain(job: TrainJob): Promise<Trained>;
  /** On a thread of its own: `listener` runs when a new thread replaced one that died. */
  onRestart?(listener: () => void): void;
  /** Ends what the NLU still has under way (a cache write, its thread). */
  close(): Promise<void>;
}

/** Where the NLU reports what its start could not do (a missing embedding model), and a thread that stopped. */
export interface NluLog {
  warn(msg: string): void;
  error(msg: string): void;
}

/** A trained model as the cache keeps it and a retraining hands it over. */
export interface CachedModel {
  intent: IntentModelState;
  /** The head of the learned acts (intents/acts/), when there are any. */
  acts?: SvmState;
  language: SvmState;
  knownWords: string[];
  /** The head over sentence embeddings, when an embedding model was in use. */
  dense?: ClassifierState;
}

/** A model's score on intents/validation/: its intent accuracy, and what it got wrong. */
export interface Score {
  accuracy: number;
  total: number;
  wrong: { text: string; lang: string; expected: string; got: string }[];
}

export interface TrainJob {
  intentsDir: string;
  cacheDir?: string;
  langs: Lang[];
  threshold: number;
  /** The overlay to train on, and the one the serving model was trained on (scored for comparison). */
  overlay: Example[];
  baseline: Example[];
  /** A larger drop of the validation accuracy refuses the model. */
  maxDrop: number;
  /** The serving model's score when known (from its own training): not loaded and scored again. */
  baselineScore?: Score;
}

export interface Trained {
  key: string;
  /** Whether it scores within maxDrop of the serving model: only then may it serve. */
  accepted: boolean;
  /** The model, when accepted (the serving NLU takes it: a retraining's result reaches the main thread without it). */
  state?: CachedModel;
  /** Time spent training; 0 when the model came from the cache. */
  trainingMs: number;
  fromCache: boolean;
  examples: number;
  candidate: Score;
  baseline: Score;
}
