import { normalize } from './normalize.js';
import { NgramEncoder, type NgramState } from './encoders/ngram.js';
import { SoftmaxClassifier, argmax, type ClassifierState, type TrainOptions } from './classifier.js';

export interface IntentModelState {
  encoder: NgramState;
  classifier: ClassifierState;
}
import type { Features } from './encoders/types.js';

export interface IntentPrediction {
  intent: string;
  confidence: number;
}

/** Text -> intent: the n-gram encoder and the softmax head, trained together on labelled texts. */
export class IntentModel {
  private constructor(
    readonly encoder: NgramEncoder,
    private readonly classifier: SoftmaxClassifier,
  ) {}

  static train(texts: string[], labels: string[], options: Partial<TrainOptions> = {}): IntentModel {
    const normalized = texts.map(normalize);
    const encoder = new NgramEncoder();
    encoder.fit(normalized);
    const features = normalized.map((t) => encoder.encode(t));
    const classes = [...new Set(labels)].sort();
    const classifier = new SoftmaxClassifier(classes, encoder.dim);
    classifier.train(features, labels.map((l) => classes.indexOf(l)), options);
    return new IntentModel(encoder, classifier);
  }

  toState(): IntentModelState {
    return { encoder: this.encoder.toState(), classifier: this.classifier.toState() };
  }

  static fromState(state: IntentModelState): IntentModel {
    return new IntentModel(NgramEncoder.fromState(state.encoder), SoftmaxClassifier.fromState(state.classifier));
  }

  get intents(): string[] {
    return this.classifier.labels;
  }

  /** Features of an already normalised text (shared with language identification). */
  features(normalized: string): Features {
    return this.encoder.encode(normalized);
  }

  /** Probabilities over `intents`, in that order. */
  probabilities(features: Features): Float64Array {
    return this.classifier.predict(features);
  }

  /** The most probable intent of a text (the evaluation's view of the model). */
  predict(text: string): IntentPrediction {
    const probs = this.probabilities(this.features(normalize(text)));
    const best = argmax(probs);
    return { intent: this.classifier.labels[best], confidence: probs[best] };
  }
}
