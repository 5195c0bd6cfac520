import type { Features } from './encoders/types.js';
import { pack, unpack } from './state.js';

export interface ClassifierState {
  labels: string[];
  dim: number;
  weights: string;
  bias: number[];
}

export interface TrainOptions {
  epochs: number;
  learningRate: number;
  /** L2 penalty applied to the weights a sample touches. */
  l2: number;
  seed: number;
}

/** Gradients smaller than this are not applied (they change nothing but cost time). */
const SKIP = 1e-3;

const DEFAULTS: TrainOptions = { epochs: 6, learningRate: 0.5, l2: 3e-4, seed: 42 };

/** Small deterministic PRNG so training is reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Fisher-Yates, in place. */
export function shuffle(order: number[] | Int32Array, size: number, rand: () => number): void {
  for (let i = size - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const tmp = order[i];
    order[i] = order[j];
    order[j] = tmp;
  }
}

/**
 * Multinomial logistic regression over sparse features, trained with AdaGrad.
 * Probabilities are softmax outputs: the confidence the dialogue reads.
 */
export class SoftmaxClassifier {
  private readonly k: number;
  private weights: Float32Array;
  private bias: Float64Array;

  constructor(
    readonly labels: string[],
    readonly dim: number,
  ) {
    this.k = labels.length;
    this.weights = new Float32Array(dim * this.k);
    this.bias = new Float64Array(this.k);
  }

  train(samples: Features[], targets: number[], options: Partial<TrainOptions> = {}): void {
    const { epochs, learningRate, l2, seed } = { ...DEFAULTS, ...options };
    const k = this.k;
    const w = this.weights;
    const gsum = new Float32Array(w.length).fill(1e-6);
    const bsum = new Float64Array(k).fill(1e-6);
    const order = samples.map((_, i) => i);
    const rand = mulberry32(seed);
    const probs = new Float64Array(k);
    const active = new Int32Array(k);
    const grads = new Float64Array(k);
    for (let epoch = 0; epoch < epochs; epoch++) {
      shuffle(order, order.length, rand);
      for (const s of order) {
        const x = samples[s];
        this.scores(x, probs);
        softmax(probs);
        probs[targets[s]] -= 1;
        for (let c = 0; c < k; c++) {
          const g = probs[c];
          bsum[c] += g * g;
          this.bias[c] -= (learningRate * g) / Math.sqrt(bsum[c]);
        }
        // Classes the sample barely moves are skipped: most of them, once training converges.
        let m = 0;
        for (let c = 0; c < k; c++) {
          if (probs[c] >= SKIP || probs[c] <= -SKIP) {
            active[m] = c;
            grads[m++] = probs[c];
          }
        }
        const idxs = x.indices;
        const vals = x.values;
        for (let f = 0; f < idxs.length; f++) {
          const base = idxs[f] * k;
          const v = vals[f];
          for (let j = 0; j < m; j++) {
            const idx = base + active[j];
            const g = grads[j] * v + l2 * w[idx];
            gsum[idx] += g * g;
            w[idx] -= (learningRate * g) / Math.sqrt(gsum[idx]);
          }
        }
      }
    }
  }

  private scores(x: Features, out: Float64Array): void {
    const k = this.k;
    const w = this.weights;
    for (let c = 0; c < k; c++) out[c] = this.bias[c];
    for (let f = 0; f < x.indices.length; f++) {
      const base = x.indices[f] * k;
      const v = x.values[f];
      for (let c = 0; c < k; c++) out[c] += w[base + c] * v;
    }
  }

  toState(): ClassifierState {
    return { labels: this.labels, dim: this.dim, weights: pack(this.weights), bias: [...this.bias] };
  }

  static fromState(state: ClassifierState): SoftmaxClassifier {
    const c = new SoftmaxClassifier(state.labels, state.dim);
    c.weights = unpack(state.weights, Float32Array);
    c.bias = Float64Array.from(state.bias);
    return c;
  }

  /** Class probabilities, in the order of `labels`. */
  predict(x: Features): Float64Array {
    const out = new Float64Array(this.k);
    this.scores(x, out);
    softmax(out);
    return out;
  }
}

function softmax(v: Float64Array): void {
  let max = -Infinity;
  for (let i = 0; i < v.length; i++) if (v[i] > max) max = v[i];
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    v[i] = Math.exp(v[i] - max);
    sum += v[i];
  }
  for (let i = 0; i < v.length; i++) v[i] /= sum;
}

export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}
