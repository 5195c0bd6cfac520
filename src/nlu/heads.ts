import { normalize } from './normalize.js';
import { IntentModel } from './intent.js';
import { LanguageIdentifier } from './language.js';
import { languageRows } from './marks.js';
import { LinearSvm } from './svm.js';
import type { NgramEncoder } from './encoders/ngram.js';
import { toRows, type SparseRows } from './encoders/types.js';
import { loadExamples, type Example } from './training.js';
import type { Lang } from '../knowledge/schema.js';

/** intents/ read and encoded: what both heads train on. */
export interface Encoded {
  /** When intents/ had been read (performance.timeOrigin + performance.now(): a clock that threads share). */
  readAt: number;
  examples: Example[];
  /** The examples' texts, normalised. */
  texts: string[];
  encoder: NgramEncoder;
  /** The intents, in the order of the intent head's outputs. */
  classes: string[];
  /** The examples' features without stems, as one matrix (for the language head). */
  features: SparseRows;
}

/** The two heads' training, on two threads: Nlu.fromDirectory() waits for its results. */
export interface Training {
  encoded: Promise<Encoded>;
  intentHead: Promise<LinearSvm>;
  languageHead: Promise<LanguageIdentifier>;
}

/** Reads and encodes intents/ `dir`, with what the intent head trains on. */
export function encodeIntents(dir: string): Encoded & IntentData {
  const examples = loadExamples(dir);
  const readAt = performance.timeOrigin + performance.now();
  const texts = examples.map((e) => normalize(e.text));
  const { encoder, features, classes, targets } = IntentModel.encode(texts, examples.map((e) => e.intent), {}, examples.map((e) => e.lang));
  const rows = toRows(features);
  // Language identification reads the features without stems (it runs before the language is known).
  const plain = encoder.usesLanguage ? toRows(texts.map((t) => encoder.encode(t))) : { start: rows.start.slice(), col: rows.col.slice(), val: rows.val.slice() };
  return { readAt, examples, texts, encoder, classes, features: plain, rows, targets, dim: encoder.dim };
}

/** What the intent head trains on: the examples' features (`dim` of them), their intents as indices of `classes`. */
export interface IntentData {
  rows: SparseRows;
  targets: number[];
  classes: string[];
  dim: number;
}

export function trainIntentHead({ rows, targets, classes, dim }: IntentData): LinearSvm {
  const svm = new LinearSvm(classes, dim);
  svm.train(rows, targets);
  return svm;
}

/** The language head (without fastText: withFastText() adds it) on the examples' features without stems. */
export function trainLanguageHead(examples: Pick<Example, 'text' | 'lang'>[], features: SparseRows, dim: number, langs: Lang[]): LanguageIdentifier {
  const rows = languageRows(examples.map((e) => e.text), features, dim);
  return LanguageIdentifier.train(langs, dim, rows, examples.map((e) => langs.indexOf(e.lang)));
}
