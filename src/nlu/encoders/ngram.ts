import type { Encoder, Features } from './types.js';
import { IntMap } from './int-map.js';
import { pack, unpack } from '../state.js';

export interface NgramState {
  opts: NgramOptions;
  keys: string;
  vals: string;
  size: number;
}

export interface NgramOptions {
  /** Character n-grams inside word boundaries (Rasa's char_wb), from min to max. */
  charMin: number;
  charMax: number;
  /** Also word bigrams. */
  wordBigrams: boolean;
}

const DEFAULTS: NgramOptions = { charMin: 2, charMax: 5, wordBigrams: true };

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SPACE = 32;
const WORD_TAG = 0x9e3779b9;
const BIGRAM_TAG = 0x85ebca6b;

/**
 * The built-in encoder: word unigrams and bigrams plus char_wb n-grams, sublinear tf, L2-normalised.
 * Needs no download; robust to typos and unseen word forms because of the character n-grams.
 * N-grams are FNV-1a hashes of the characters (no substrings are built), mapped to the
 * vocabulary seen in training (an open-addressing int map); a 32-bit collision only merges
 * two rare features.
 */
export class NgramEncoder implements Encoder {
  readonly name = 'ngram';
  private vocab = new IntMap();
  private readonly opts: NgramOptions;
  private buffer = new Int32Array(512);

  constructor(opts: Partial<NgramOptions> = {}) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  get dim(): number {
    return this.vocab.size;
  }

  toState(): NgramState {
    const { keys, vals, size } = this.vocab.tables;
    return { opts: this.opts, keys: pack(keys), vals: pack(vals), size };
  }

  static fromState(state: NgramState): NgramEncoder {
    const e = new NgramEncoder(state.opts);
    e.vocab = IntMap.fromTables(unpack(state.keys, Int32Array), unpack(state.vals, Int32Array), state.size);
    return e;
  }

  /** Calls emit(hash) for every feature of a normalised text (words separated by one space). */
  private grams(text: string, emit: (h: number) => void): void {
    const { charMin, charMax, wordBigrams } = this.opts;
    const len = text.length;
    let prevWord = 0;
    let start = 0;
    while (start < len) {
      let end = text.indexOf(' ', start);
      if (end < 0) end = len;
      // The word padded with a space on each side, as char codes.
      const padded = end - start + 2;
      let word = FNV_OFFSET;
      for (let i = start; i < end; i++) word = Math.imul(word ^ text.charCodeAt(i), FNV_PRIME);
      word = Math.imul(word ^ WORD_TAG, FNV_PRIME) | 0;
      emit(word);
      if (wordBigrams && prevWord !== 0) emit(Math.imul(prevWord ^ BIGRAM_TAG, FNV_PRIME) ^ word);
      prevWord = word;
      for (let i = 0; i < padded; i++) {
        let h = FNV_OFFSET;
        for (let n = 1; n <= charMax && i + n <= padded; n++) {
          const p = i + n - 1;
          const c = p === 0 || p === padded - 1 ? SPACE : text.charCodeAt(start + p - 1);
          h = Math.imul(h ^ c, FNV_PRIME);
          if (n >= charMin) emit((h ^ n) | 0);
        }
      }
      start = end + 1;
    }
  }

  fit(texts: string[]): void {
    this.vocab = new IntMap(4096);
    for (const t of texts) {
      this.grams(t, (h) => {
        if (this.vocab.get(h) === -1) this.vocab.set(h, this.vocab.size);
      });
    }
  }

  encode(text: string): Features {
    let count = 0;
    this.grams(text, (h) => {
      const i = this.vocab.get(h);
      if (i === -1) return;
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
    let norm = 0;
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
