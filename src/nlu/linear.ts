import type { Features } from './encoders/types.js';
import { pack, unpack } from './state.js';

export interface LinearState {
  labels: string[];
  dim: number;
  weights: string;
  bias: number[];
}

/**
 * A linear layer over sparse features with one output per label, turned into probabilities by
 * a softmax: what the softmax and SVM heads share. Weights are feature-major (dim × k), so
 * scoring reads one contiguous row per feature.
 */
export class LinearModel {
  protected readonly k: number;
  protected weights: Float32Array;
  protected bias: Float64Array;
  /** Scales the scores before the softmax (1 for a logistic model's own logits). */
  protected temperature = 1;

  /** `weights` and `bias` may come trained (from a cached state: paramsOf()). */
  constructor(
    readonly labels: string[],
    readonly dim: number,
    weights: Float32Array = new Float32Array(dim * labels.length),
    bias: Float64Array = new Float64Array(labels.length),
  ) {
    this.k = labels.length;
    this.weights = weights;
    this.bias = bias;
  }

  protected scores(x: Features, out: Float64Array): void {
    for (let c = 0; c < this.k; c++) out[c] = this.bias[c];
    this.add(x, out);
  }

  private add(x: Features, out: Float64Array): void {
    const k = this.k;
    const w = this.weights;
    for (let f = 0; f < x.indices.length; f++) {
      const base = x.indices[f] * k;
      const v = x.values[f];
      for (let c = 0; c < k; c++) out[c] += w[base + c] * v;
    }
  }

  /** Class probabilities, in the order of `labels`; `more`: features after those of x (as if appended to it). */
  predict(x: Features, more?: Features): Float64Array {
    const out = new Float64Array(this.k);
    this.scores(x, out);
    if (more) this.add(more, out);
    softmax(out, this.temperature);
    return out;
  }

  protected linearState(): LinearState {
    return { labels: this.labels, dim: this.dim, weights: pack(this.weights), bias: [...this.bias] };
  }
}

/** The weights and bias of a cached state, for the constructor of the model it came from. */
export const paramsOf = (state: LinearState): [Float32Array, Float64Array] => [unpack(state.weights, Float32Array), Float64Array.from(state.bias)];

/** In place; `scale` multiplies the scores first. */
export function softmax(v: Float64Array, scale = 1): void {
  let max = -Infinity;
  for (let i = 0; i < v.length; i++) if (v[i] > max) max = v[i];
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    v[i] = Math.exp(scale * (v[i] - max));
    sum += v[i];
  }
  for (let i = 0; i < v.length; i++) v[i] /= sum;
}

export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

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

/** Fisher-Yates over the first `size` entries, in place. */
export function shuffle(order: number[] | Int32Array, size: number, rand: () => number): void {
  for (let i = size - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const tmp = order[i];
    order[i] = order[j];
    order[j] = tmp;
  }
}
