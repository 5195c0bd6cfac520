// What the NLU gives and what the bot asks of it: imported by the NLU's own files, so that none
// of them needs the entry (index.ts), which starts them.
import type { Also, Entities } from './entities.js';
import type { FoundContact } from './contacts.js';
import type { Act, Modality } from './acts.js';
import type { KnowledgeBase, Lang } from '../knowledge/schema.js';
import type { ActHeadState, IntentModelState } from './intent.js';
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
  /** Other offices or health services named after the first ("¿Torrellano y El Altet?"): each gets its answer. */
  also?: Also;
  /** The most probable intents before the threshold, best first (the review list shows them). */
  guesses?: { intent: string; confidence: number }[];
  /** The message is only entity names and function words (an answer to "which office?"). */
  bare: boolean;
  /** The form of its question (yes/no, how, where…); none: a statement, it asks nothing. */
  act?: Act;
  /** It says "no", "not", "inte"… ("no borres mis datos"). */
  negated?: boolean;
  /** It has a verb of erasing ("borra", "ta bort", "delete"): an erasure command may be one; a wish without one is not. */
  erasing?: boolean;
  /** It asks whether something works ("¿funciona ya el correo?", "funkar mejlen?"). */
  works?: boolean;
  /** Its tone is a complaint or an insult ("¡llevo una hora esperando!", "this is useless"). */
  complaint?: boolean;
  /** It takes back what it just asked and asks something else ("olvida lo que te he dicho, quería decir Torrellano"): never an erasure. */
  correction?: boolean;
  /** It asks for more about the last answer ("¿algo más?", "is that all?", "ok, ¿pero cómo exactamente?"). */
  more?: boolean;
  /** It lets the matter drop ("never mind", "déjalo", "strunt i det"): never an erasure or an unsubscription. */
  dismiss?: boolean;
  /** It wishes the bot did not keep what was written, said without a command ("preferiría que no se quedara guardado"): asked first, never erased at once. */
  eraseWish?: boolean;
  /** It asks whether anyone is at work at an office or organisation now ("¿hay alguien atendiendo?", "jobbar ni hemifrån?"). */
  staffed?: boolean;
  /** A way of reaching the organisation fails the citizen ("nadie coge el teléfono", "the website won't load"). */
  trouble?: boolean;
  /** What a yes/no question asks: whether something can be done, must be, or which of two. */
  modality?: Modality;
  /** It asks about a day or a time: today ("¿hay cita para hoy?") or another ("il sabato è aperta?", "kl 14"). */
  time?: 'today' | 'other';
  /** No word of it is a word the bot knows, in any language ("asdfgh ñlkj"). */
  gibberish?: boolean;
  /** The phone numbers, email addresses and links it holds, as written (the classifier never reads them). */
  contacts?: FoundContact[];
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
  /**
   * @param org the conversation's organisation: its model when staff taught it examples of its own
   *   (examples taught for one organisation never move another's reading), else the shared one
   */
  analyse(text: string, hint?: Lang, org?: string): Promise<NluResult>;
  /** Rebuilds the entity gazetteer after the knowledge base changed (new offices or aliases). */
  useKnowledge(kb: KnowledgeBase): void;
  readonly intents: string[];
  /** The active encoders and language identifiers, for /health. */
  readonly encoders: string[];
  /** What this start spent on the model: training it, or loading it from the cache. */
  readonly trainingMs: number;
  /**
   * Retrains the job's models (intents/ plus each one's overlay: src/features/teaching/teaching.ts) on a
   * thread of its own, and serves them all from the next message on if the guard rail accepts every
   * one; resolves then.
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
  acts?: ActHeadState;
  language: SvmState;
  knownWords: string[];
  /** The head over sentence embeddings, when an embedding model was in use. */
  dense?: ClassifierState;
}

/** A model's score on intents/validation/: its intent accuracy, what it got wrong, and what it read right firmly. */
export interface Score {
  accuracy: number;
  total: number;
  wrong: { text: string; lang: string; expected: string; got: string }[];
  /** `lang|text` of the messages read right with a probability of FIRM_READING or more. */
  firm: string[];
}

/** The model conversations without an organisation use, and every organisation without examples of its own. */
export const SHARED_MODEL = '';

/** One model to train: the shared one (scope SHARED_MODEL) or an organisation's (scope: its id). */
export interface ModelJob {
  scope: string;
  /** The overlay to train on (an organisation's: the shared examples and its own). */
  overlay: Example[];
  /** The overlay of the model that serves this scope now (an organisation without one of its own: the shared one's). */
  baseline: Example[];
  /** That model's score when known (from its own training): not loaded and scored again. */
  baselineScore?: Score;
}

export interface TrainJob {
  intentsDir: string;
  cacheDir?: string;
  langs: Lang[];
  threshold: number;
  /** The models that change; every one must pass the guard rail, or none serves. */
  models: ModelJob[];
  /** Organisations whose own model goes (their last own example was undone): they use the shared model again. */
  drop: string[];
  /**
   * The guard rail: refuse the change if any model reads wrong a validation message (any intent,
   * any language) that the model it replaces read right. Off, the models serve whatever they score
   * (what the store holds was checked where it was taught, or is an undo).
   */
  guard: boolean;
}

export interface TrainedModel {
  scope: string;
  key: string;
  /** Time spent training; 0 when the model came from the cache. */
  trainingMs: number;
  fromCache: boolean;
  examples: number;
  candidate: Score;
  /** The replaced model's score (with the guard rail only). */
  baseline?: Score;
}

export interface Trained {
  /** Whether every model passed the guard rail: only then do they serve. */
  accepted: boolean;
  models: TrainedModel[];
  /** The models, when accepted (the serving NLU takes them: a retraining's result reaches the main thread without them). */
  states?: { scope: string; state: CachedModel }[];
}
