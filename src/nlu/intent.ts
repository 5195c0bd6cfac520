import { normalize } from './normalize.js';
import { NgramEncoder, type NgramOptions, type NgramState } from './encoders/ngram.js';
import type { Features } from './encoders/types.js';
import { argmax } from './linear.js';
import { LinearSvm, type SvmOptions, type SvmState } from './svm.js';

export interface IntentModelState {
  encoder: NgramState;
  classifier: SvmState;
}

/** The pipeline's choices (Rasa's config.yml): the encoder's n-grams and the SVM's penalty. */
export interface IntentModelOptions {
  encoder?: Partial<NgramOptions>;
  svm?: Partial<SvmOptions>;
}

export interface IntentPrediction {
  intent: string;
  confidence: number;
}

/** Text -> intent: the n-gram encoder and the linear SVM head, trained together on labelled texts. */
export class IntentModel {
  private constructor(
    readonly encoder: NgramEncoder,
    private readonly classifier: LinearSvm,
  ) {}

  /** @param langs each text's language: needed only when the encoder stems. */
  static train(texts: string[], labels: string[], options: IntentModelOptions = {}, langs?: string[]): IntentModel {
    const { encoder, features, classes, targets } = IntentModel.encode(texts.map(normalize), labels, options, langs);
    const classifier = new LinearSvm(classes, encoder.dim);
    classifier.train(features, targets, options.svm);
    return new IntentModel(encoder, classifier);
  }

  /** The encoder fitted to the texts, their features, and the labels as class indices. */
  static encode(normalized: string[], labels: string[], options: IntentModelOptions, langs?: string[]) {
    const encoder = new NgramEncoder(options.encoder);
    const features = encoder.fitEncode(normalized, langs);
    const classes = [...new Set(labels)].sort();
    return { encoder, features, classes, targets: labels.map((l) => classes.indexOf(l)) };
  }

  toState(): IntentModelState {
    return { encoder: this.encoder.toState(), classifier: this.classifier.toState() };
  }

  /** The model from an encoder and an SVM head trained on its features (on another thread: trainer.ts). */
  static of(encoder: NgramEncoder, classifier: LinearSvm): IntentModel {
    return new IntentModel(encoder, classifier);
  }

  static fromState(state: IntentModelState): IntentModel {
    return new IntentModel(NgramEncoder.fromState(state.encoder), LinearSvm.fromState(state.classifier));
  }

  get intents(): string[] {
    return this.classifier.labels;
  }

  /** Features of an already normalised text (without a language: those language identification shares). */
  features(normalized: string, lang?: string): Features {
    return this.encoder.encode(normalized, lang);
  }

  /** Probabilities over `intents`, in that order. */
  probabilities(features: Features): Float64Array {
    return this.classifier.predict(features);
  }

  /** The most probable intent of a text (the evaluation's view of the model). */
  predict(text: string, lang?: string): IntentPrediction {
    const probs = this.probabilities(this.features(normalize(text), lang));
    const best = argmax(probs);
    return { intent: this.classifier.labels[best], confidence: probs[best] };
  }
}
