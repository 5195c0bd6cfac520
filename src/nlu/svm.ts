import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Features } from './encoders/types.js';
import { LinearModel, mulberry32, shuffle, type LinearState } from './linear.js';

export interface SvmState extends LinearState {
  temperature: number;
}

export interface SvmOptions {
  /** Penalty of a margin violation: larger fits the training examples more closely. */
  c: number;
  /** Passes over the data at most; training stops earlier once the dual has converged. */
  maxPasses: number;
  /** Scales the margins before the softmax that turns them into probabilities. */
  temperature: number;
}

export const SVM_DEFAULTS: SvmOptions = { c: 3, maxPasses: 10, temperature: 4 };

/** Training stops when the projected gradients span less than this (LIBLINEAR's default). */
const TOLERANCE = 0.1;

/**
 * One-vs-rest linear SVM (L2-regularised, squared hinge loss), trained by dual coordinate descent
 * as in LIBLINEAR (Hsieh et al., ICML 2008): few passes, no learning rate to tune, and margins
 * that generalise from five examples an intent far better than an early-stopped softmax.
 * Its margins become probabilities through a softmax with a fixed temperature, so that the
 * confidence threshold and the dialogue read it like any classifier's probability.
 */
export class LinearSvm extends LinearModel {
  protected temperature = SVM_DEFAULTS.temperature;

  train(samples: Features[], targets: number[], options: Partial<SvmOptions> = {}): void {
    const { c, maxPasses, temperature } = { ...SVM_DEFAULTS, ...options };
    this.temperature = temperature;
    const n = samples.length;
    const diag = 1 / (2 * c);
    // The bias is a constant feature of value 1, regularised like the others.
    const qd = samples.map((x) => x.values.reduce((s, v) => s + v * v, 0) + 1 + diag);
    // The examples as one compressed sparse row matrix: typed arrays keep the inner loops tight.
    const start = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) start[i + 1] = start[i] + samples[i].indices.length;
    const col = new Int32Array(start[n]);
    const val = new Float64Array(start[n]);
    for (let i = 0; i < n; i++) {
      col.set(samples[i].indices, start[i]);
      val.set(samples[i].values, start[i]);
    }
    const w = new Float64Array(this.dim);
    const alpha = new Float64Array(n);
    const active = new Int32Array(n);
    const rand = mulberry32(42);
    for (let cls = 0; cls < this.k; cls++) {
      w.fill(0);
      alpha.fill(0);
      let b = 0;
      for (let i = 0; i < n; i++) active[i] = i;
      let size = n;
      // Shrinking (LIBLINEAR): an example well outside the margin leaves the active set until the next full check.
      let maxOld = Infinity;
      for (let pass = 0; pass < maxPasses; pass++) {
        shuffle(active, size, rand);
        let maxNew = -Infinity;
        let minNew = Infinity;
        for (let a = 0; a < size; a++) {
          const i = active[a];
          const from = start[i];
          const to = start[i + 1];
          const y = targets[i] === cls ? 1 : -1;
          let s = b;
          for (let f = from; f < to; f++) s += w[col[f]] * val[f];
          const g = y * s - 1 + diag * alpha[i];
          let pg = g;
          if (alpha[i] === 0) {
            if (g > maxOld) {
              active[a--] = active[--size];
              active[size] = i;
              continue;
            }
            if (g > 0) pg = 0;
          }
          if (pg > maxNew) maxNew = pg;
          if (pg < minNew) minNew = pg;
          if (pg === 0) continue;
          const old = alpha[i];
          alpha[i] = Math.max(old - g / qd[i], 0);
          const d = (alpha[i] - old) * y;
          for (let f = from; f < to; f++) w[col[f]] += d * val[f];
          b += d;
        }
        if (maxNew - minNew <= TOLERANCE) {
          if (size === n) break;
          size = n; // converged on the active set: check every example once more
          maxOld = Infinity;
          continue;
        }
        maxOld = maxNew <= 0 ? Infinity : maxNew;
      }
      for (let f = 0; f < this.dim; f++) this.weights[f * this.k + cls] = w[f];
      this.bias[cls] = b;
    }
  }

  /** The trained parameters, for SvmWorker to carry from its thread to the caller's. */
  trained(): { weights: Float32Array; bias: Float64Array; temperature: number } {
    return { weights: this.weights, bias: this.bias, temperature: this.temperature };
  }

  toState(): SvmState {
    return { ...this.linearState(), temperature: this.temperature };
  }

  static fromState(state: SvmState): LinearSvm {
    const svm = new LinearSvm(state.labels, state.dim).load(state);
    svm.temperature = state.temperature;
    return svm;
  }
}

/**
 * A worker thread for LinearSvm.train(), started before its work is ready: it boots (its own V8,
 * this module) while the caller reads and encodes the examples, then trains while the caller does
 * other work (at start, the language head). The bundle has it as dist/svm-worker.js; from the
 * sources (tests, tsx), svm-worker.ts runs through tsx.
 */
export class SvmWorker {
  private readonly worker: Worker;
  private readonly trained: Promise<ReturnType<LinearSvm['trained']>>;

  constructor() {
    const bundled = new URL('./svm-worker.js', import.meta.url);
    this.worker = new Worker(fs.existsSync(bundled) ? bundled : new URL('./svm-worker-from-source.mjs', import.meta.url));
    // Waiting for work does not keep the process alive (a start that fails before it gives any).
    this.worker.unref();
    this.trained = new Promise((resolve, reject) => {
      this.worker.once('message', resolve);
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => reject(new Error(`the SVM training thread exited (code ${code}) without a model`)));
    });
    this.trained.catch(() => {}); // train() reports it
  }

  /** LinearSvm.train() on the worker thread; resolves to the trained model. */
  async train(labels: string[], dim: number, samples: Features[], targets: number[], options: Partial<SvmOptions> = {}): Promise<LinearSvm> {
    this.worker.ref();
    this.worker.postMessage({ labels, dim, samples, targets, options });
    return Object.assign(new LinearSvm(labels, dim), await this.trained);
  }
}
