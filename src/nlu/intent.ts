import { classifierText, trainingText } from './contacts.js';
import { NgramEncoder, type NgramState } from './encoders/ngram.js';
import type { Features } from './encoders/types.js';
import { argmax } from './linear.js';
import { LinearSvm, type SvmState } from './svm.js';

export interface IntentModelState {
  encoder: NgramState;
  classifier: SvmState;
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

  /** @param encoder the encoder to fit: the built-in defaults, or one of the evaluation's pipelines (scripts/eval/) */
  static train(texts: string[], labels: string[], encoder?: NgramEncoder): IntentModel {
    return IntentModel.fit(texts.map(trainingText), labels, encoder).model;
  }

  /** train() on normalised texts, which also returns their features (the language head trains on them too). */
  static fit(normalized: string[], labels: string[], encoder = new NgramEncoder()): { model: IntentModel; features: Features[] } {
    const features = encoder.fitEncode(normalized);
    const classes = [...new Set(labels)].sort();
    const classifier = new LinearSvm(classes, encoder.dim);
    classifier.train(features, labels.map((l) => classes.indexOf(l)));
    return { model: new IntentModel(encoder, classifier), features };
  }

  toState(): IntentModelState {
    return { encoder: this.encoder.toState(), classifier: this.classifier.toState() };
  }

  static fromState(state: IntentModelState): IntentModel {
    return new IntentModel(NgramEncoder.fromState(state.encoder), LinearSvm.fromState(state.classifier));
  }

  get intents(): string[] {
    return this.classifier.labels;
  }

  /** Features of an already normalised text (which language identification shares). */
  features(normalized: string): Features {
    return this.encoder.encode(normalized);
  }

  /** Probabilities over `intents`, in that order. */
  probabilities(features: Features): Float64Array {
    return this.classifier.predict(features);
  }

  /** The most probable intent of a text (the evaluation's view of the model). */
  predict(text: string): IntentPrediction {
    const probs = this.probabilities(this.features(classifierText(text)));
    const best = argmax(probs);
    return { intent: this.classifier.labels[best], confidence: probs[best] };
  }
}

/** One part of the act head: its vocabulary (its own) and its classifier. */
interface ActPartState {
  encoder: NgramState;
  svm: SvmState;
}

/** The act head's parts, one per group of acts (`head` in intents/acts/*.yaml). */
export interface ActHeadState {
  parts: ActPartState[];
}

/**
 * The learned acts (a complaint, a question about the bot: intents/acts/) as a head of their own
 * beside the intents, every intent example counting as no act: the intent head is trained exactly
 * as without them. Its vocabulary is its own, fitted on the intent and the act examples: over the
 * intents' alone it saw no word of a complaint that no intent example holds ("vergüenza", "harto"),
 * and read complaints from the fragments of them that intent examples share, so that a plain
 * "ma quindi come lo prenoto il tampone?" or "delete everything you hold on me, immediately" read
 * as complaints by their "ma" or "-ly", and flipped with any example added to an intent.
 * Acts of another group (`head`: the questions about the conversation, a correction, a request
 * for more) are a part of their own, so that adding one never moves how the others read.
 */
export class ActHead {
  private constructor(private readonly parts: { encoder: NgramEncoder; svm: LinearSvm }[]) {}

  /** @param intentTexts the intent examples, as the classifiers learn them (trainingText) */
  static fit(intentTexts: string[], acts: { text: string; act: string; head?: string }[], weight = ACT_WEIGHT): ActHead {
    const groups = [...new Set(acts.map((a) => a.head ?? DEFAULT_HEAD))].sort((a, b) => (a === DEFAULT_HEAD ? -1 : b === DEFAULT_HEAD ? 1 : a.localeCompare(b)));
    const of = (g: string) => acts.filter((a) => (a.head ?? DEFAULT_HEAD) === g);
    // The first group reads as it would alone; another learns the first's examples as no act of its own too.
    const others = (g: string) => (g === groups[0] ? [] : of(groups[0]).map((a) => trainingText(a.text)));
    return new ActHead(groups.map((g) => fitPart([...intentTexts, ...others(g)], of(g), weight)));
  }

  static fromState(state: ActHeadState): ActHead {
    return new ActHead(state.parts.map((p) => ({ encoder: NgramEncoder.fromState(p.encoder), svm: LinearSvm.fromState(p.svm) })));
  }

  toState(): ActHeadState {
    return { parts: this.parts.map((p) => ({ encoder: p.encoder.toState(), svm: p.svm.toState() })) };
  }

  /** The acts a text (normalised as the classifier reads it) reads as, one at most per group, each more probable there than no act at all. */
  readAll(normalized: string): string[] {
    return this.parts.flatMap(({ encoder, svm }) => {
      const probs = svm.predict(encoder.encode(normalized));
      const best = argmax(probs);
      return svm.labels[best] === NO_ACT ? [] : [svm.labels[best]];
    });
  }

  /** The first act a text reads as, if any. */
  read(normalized: string): string | undefined {
    return this.readAll(normalized)[0];
  }
}

function fitPart(intentTexts: string[], acts: { text: string; act: string }[], weight: number): { encoder: NgramEncoder; svm: LinearSvm } {
  const classes = [NO_ACT, ...[...new Set(acts.map((a) => a.act))].sort()];
  const encoder = new NgramEncoder();
  const features = encoder.fitEncode([...intentTexts, ...acts.map((a) => trainingText(a.text))]);
  const intentFeatures = features.slice(0, intentTexts.length);
  const actFeatures = features.slice(intentTexts.length);
  const svm = new LinearSvm(classes, encoder.dim);
  // A few hundred act examples beside thousands of others: each counts ACT_WEIGHT times, so that
  // "ets un robot?" outweighs the help example "ets un robot? i què fas?".
  const weighted = Array.from({ length: weight }, () => actFeatures).flat();
  const targets = Array.from({ length: weight }, () => acts.map((a) => classes.indexOf(a.act))).flat();
  svm.train([...intentFeatures, ...weighted], [...intentFeatures.map(() => 0), ...targets]);
  return { encoder, svm };
}

const DEFAULT_HEAD = 'tone';
const NO_ACT = '-';
const ACT_WEIGHT = 2;
