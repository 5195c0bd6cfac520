import { SoftmaxClassifier } from './classifier.js';
import type { Features } from './encoders/types.js';

/**
 * The intent head over sentence embeddings (multinomial logistic regression, no L2: 384 dense
 * dimensions against ~5,000 examples do not overfit in 30 epochs), trained on examples whose
 * labels are among `intents`. The bot (nlu.ts) and the evaluation (scripts/nlu-eval.ts) train it here.
 */
export function trainDenseHead(intents: string[], features: Features[], labels: string[]): SoftmaxClassifier {
  const head = new SoftmaxClassifier(intents, features[0]?.values.length ?? 0);
  head.train(features, labels.map((l) => intents.indexOf(l)), { epochs: 30, l2: 0 });
  return head;
}

/** Both heads' vote: the mean of their probabilities, written into `dense`. */
export function vote(dense: Float64Array, ngram: Float64Array): Float64Array {
  for (let i = 0; i < dense.length; i++) dense[i] = (dense[i] + ngram[i]) / 2;
  return dense;
}
