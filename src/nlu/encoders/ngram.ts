import type { Encoder, Features } from './types.js';

export interface NgramOptions {
  /** Character n-grams inside word boundaries (Rasa's char_wb), from min to max. */
  charMin: number;
  charMax: number;
  /** Also word bigrams. */
  wordBigrams: boolean;
  /** Features seen fewer times than this in training are dropped. */
  minCount: number;
}

const DEFAULTS: NgramOptions = { charMin: 2, charMax: 5, wordBigrams: true, minCount: 1 };

/**
 * The built-in encoder: word unigrams and bigrams plus char_wb n-grams, sublinear tf, L2-normalised.
 * Needs no download; robust to typos and unseen word forms because of the character n-grams.
 */
export class NgramEncoder implements Encoder {
  readonly name = 'ngram';
  private vocab = new Map<string, number>();
  private readonly opts: NgramOptions;

  constructor(opts: Partial<NgramOptions> = {}) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  get dim(): number {
    return this.vocab.size;
  }

  private grams(text: string, emit: (g: string) => void): void {
    const words = text.length ? text.split(' ') : [];
    const { charMin, charMax, wordBigrams } = this.opts;
    for (let w = 0; w < words.length; w++) {
      const word = words[w];
      emit('w:' + word);
      if (wordBigrams && w + 1 < words.length) emit('b:' + word + '_' + words[w + 1]);
      const padded = ' ' + word + ' ';
      for (let n = charMin; n <= charMax; n++) {
        for (let i = 0; i + n <= padded.length; i++) emit(padded.substring(i, i + n));
      }
    }
  }

  fit(texts: string[]): void {
    const counts = new Map<string, number>();
    for (const t of texts) this.grams(t, (g) => counts.set(g, (counts.get(g) ?? 0) + 1));
    this.vocab = new Map();
    for (const [g, c] of counts) if (c >= this.opts.minCount) this.vocab.set(g, this.vocab.size);
  }

  encode(text: string): Features {
    const tf = new Map<number, number>();
    this.grams(text, (g) => {
      const i = this.vocab.get(g);
      if (i !== undefined) tf.set(i, (tf.get(i) ?? 0) + 1);
    });
    const indices: number[] = [];
    const values: number[] = [];
    let norm = 0;
    for (const [i, c] of tf) {
      const v = 1 + Math.log(c);
      indices.push(i);
      values.push(v);
      norm += v * v;
    }
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < values.length; k++) values[k] /= norm;
    return { indices, values };
  }
}
