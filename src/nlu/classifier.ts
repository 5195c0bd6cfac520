import type { Features } from './encoders/types.js';
import { LinearModel, mulberry32, paramsOf, shuffle, softmax, type LinearState } from './linear.js';

export type ClassifierState = LinearState;

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

/**
 * Multinomial logistic regression over sparse features, trained with AdaGrad.
 * Probabilities are softmax outputs: the confidence the dialogue reads.
 */
export class SoftmaxClassifier extends LinearModel {
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

  toState(): ClassifierState {
    return this.linearState();
  }

  static fromState(state: ClassifierState): SoftmaxClassifier {
    return new SoftmaxClassifier(state.labels, state.dim, ...paramsOf(state));
  }
}
