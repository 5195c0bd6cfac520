import type { Features } from './types.js';
import { pack, unpack } from '../state.js';

export interface NgramState {
  opts: NgramOptions;
  /** The vocabulary's n-gram hashes, in the order of their feature ids. */
  keys: string;
}

export interface NgramOptions {
  /** Character n-grams inside word boundaries (Rasa's char_wb), from min to max. */
  charMin: number;
  charMax: number;
  /** Word unigrams and bigrams beside the character n-grams. */
  words: boolean;
}

export const NGRAM_DEFAULTS: NgramOptions = { charMin: 2, charMax: 5, words: true };

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SPACE = 32;
const WORD_TAG = 0x9e3779b9;
const BIGRAM_TAG = 0x85ebca6b;

/**
 * The word a phone number, an email address or a link stands as in a message the classifiers read
 * (src/nlu/contacts.ts; training examples leave their contacts out). It has no feature of its own,
 * and no bigram joins the words on either side of it ("el <number> no contesta" is not "el no"); but
 * it weighs in the norm as a word does, so the words around it read no surer than they would with
 * the contact written there: "write to <address>" is not the plain "write to" of a question for an
 * email address, as it was not when the address was read as letters.
 */
export const PLACEHOLDER = 'zqcontactqz';
const PLACEHOLDER_HASH = hashOf(PLACEHOLDER);
/** Its weight in the norm: that of a word of six letters (22 character n-grams, the word, two bigrams). */
const PLACEHOLDER_MASS = 25;

function hashOf(word: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), FNV_PRIME);
  return h;
}

/**
 * The built-in encoder: word unigrams and bigrams plus char_wb n-grams, sublinear tf, L2-normalised.
 * Needs no download; robust to typos and unseen word forms because of the character n-grams.
 * N-grams are FNV-1a hashes of the characters (no substrings are built), mapped to the
 * vocabulary seen in training; a 32-bit collision only merges two rare features.
 */
export class NgramEncoder {
  readonly name = 'ngram';
  /** N-gram hash -> feature id; ids are given in order of first sight, so the keys alone rebuild it. */
  private vocab = new Map<number, number>();
  private readonly opts: NgramOptions;
  private buffer = new Int32Array(512);

  constructor(opts: Partial<NgramOptions> = {}) {
    this.opts = { ...NGRAM_DEFAULTS, ...opts };
  }

  get dim(): number {
    return this.vocab.size;
  }

  toState(): NgramState {
    return { opts: this.opts, keys: pack(Int32Array.from(this.vocab.keys())) };
  }

  static fromState(state: NgramState): NgramEncoder {
    const e = new NgramEncoder(state.opts);
    unpack(state.keys, Int32Array).forEach((key, id) => e.vocab.set(key, id));
    return e;
  }

  /** Calls emit(hash) for every feature of a normalised text (words separated by one space); returns how many placeholders it holds. */
  private grams(text: string, emit: (h: number) => void): number {
    const { words } = this.opts;
    const len = text.length;
    let prevWord = 0;
    let start = 0;
    let placeholders = 0;
    while (start < len) {
      let end = text.indexOf(' ', start);
      if (end < 0) end = len;
      let raw = FNV_OFFSET;
      for (let i = start; i < end; i++) raw = Math.imul(raw ^ text.charCodeAt(i), FNV_PRIME);
      if (raw === PLACEHOLDER_HASH && end - start === PLACEHOLDER.length && text.startsWith(PLACEHOLDER, start)) {
        placeholders++;
        prevWord = 0;
        start = end + 1;
        continue;
      }
      if (words) {
        const word = Math.imul(raw ^ WORD_TAG, FNV_PRIME) | 0;
        emit(word);
        if (prevWord !== 0) emit(Math.imul(prevWord ^ BIGRAM_TAG, FNV_PRIME) ^ word);
        prevWord = word;
      }
      this.chars(text, start, end, emit);
      start = end + 1;
    }
    return placeholders;
  }

  /**
   * The char_wb n-grams of the word text[start, end), padded with a space on each side.
   * Protected: the evaluation's stemmed pipelines take them of the word's stem (scripts/eval/).
   */
  protected chars(text: string, start: number, end: number, emit: (h: number) => void): void {
    const { charMin, charMax } = this.opts;
    const padded = end - start + 2;
    for (let i = 0; i < padded; i++) {
      let h = FNV_OFFSET;
      for (let n = 1; n <= charMax && i + n <= padded; n++) {
        const p = i + n - 1;
        const c = p === 0 || p === padded - 1 ? SPACE : text.charCodeAt(start + p - 1);
        h = Math.imul(h ^ c, FNV_PRIME);
        if (n >= charMin) emit((h ^ n) | 0);
      }
    }
  }

  fit(texts: string[]): void {
    this.fitEncode(texts);
  }

  /** fit() and the features of each text, in one pass: a text's n-grams get their ids as they are first seen. */
  fitEncode(texts: string[]): Features[] {
    this.vocab = new Map();
    return texts.map((t) => this.collect(t, true));
  }

  encode(text: string): Features {
    return this.collect(text, false);
  }

  /** The features of a text; `grow`: n-grams not in the vocabulary join it (else they are left out). */
  private collect(text: string, grow: boolean): Features {
    let count = 0;
    const placeholders = this.grams(text, (h) => {
      let i = this.vocab.get(h);
      if (i === undefined) {
        if (!grow) return;
        i = this.vocab.size;
        this.vocab.set(h, i);
      }
      if (count === this.buffer.length) {
        const bigger = new Int32Array(this.buffer.length * 2);
        bigger.set(this.buffer);
        this.buffer = bigger;
      }
      this.buffer[count++] = i;
    });
    const found = this.buffer.subarray(0, count).sort();
    const indices: number[] = [];
    const values: number[] = [];
    let norm = placeholders * PLACEHOLDER_MASS;
    for (let j = 0; j < found.length; ) {
      let c = 1;
      while (j + c < found.length && found[j + c] === found[j]) c++;
      const i = found[j];
      const v = 1 + Math.log(c);
      indices.push(i);
      values.push(v);
      norm += v * v;
      j += c;
    }
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < values.length; k++) values[k] /= norm;
    return { indices, values };
  }
}
