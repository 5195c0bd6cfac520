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

/** The act head: its vocabulary and its parts' classifiers, one per group of acts (`head` in intents/acts/*.yaml). */
export interface ActHeadState {
  encoder: NgramState;
  parts: SvmState[];
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
 * for more) are a part of their own, so that adding one never moves how the others read. The
 * parts share one vocabulary, fitted on all the examples: a message is encoded once for all of
 * them (each part's own was ~1.8 MB and an encoding per message).
 */
export class ActHead {
  private constructor(
    private readonly encoder: NgramEncoder,
    private readonly parts: LinearSvm[],
  ) {}

  /** @param intentTexts the intent examples, as the classifiers learn them (trainingText) */
  static fit(intentTexts: string[], acts: { text: string; act: string; head?: string }[], weight = ACT_WEIGHT): ActHead {
    const groups = [...new Set(acts.map((a) => a.head ?? DEFAULT_HEAD))].sort((a, b) => (a === DEFAULT_HEAD ? -1 : b === DEFAULT_HEAD ? 1 : a.localeCompare(b)));
    const encoder = new NgramEncoder();
    const features = encoder.fitEncode([...intentTexts, ...acts.map((a) => trainingText(a.text))]);
    const intentFeatures = features.slice(0, intentTexts.length);
    const featuresOf = (g: string) => acts.flatMap((a, i) => ((a.head ?? DEFAULT_HEAD) === g ? [{ act: a.act, x: features[intentTexts.length + i] }] : []));
    // The first group reads as it would alone; another learns the first's acts as no act of its own too
    // (not its `none` examples: "no pasa nada, ya lo miro yo" is no complaint, and may well let a matter drop).
    const others = (g: string) => (g === groups[0] ? [] : featuresOf(groups[0]).flatMap((a) => (a.act === NONE ? [] : [a.x])));
    return new ActHead(encoder, groups.map((g) => fitPart(encoder.dim, [...intentFeatures, ...others(g)], featuresOf(g), weight)));
  }

  static fromState(state: ActHeadState): ActHead {
    return new ActHead(NgramEncoder.fromState(state.encoder), state.parts.map((p) => LinearSvm.fromState(p)));
  }

  toState(): ActHeadState {
    return { encoder: this.encoder.toState(), parts: this.parts.map((p) => p.toState()) };
  }

  /** The acts a text (normalised as the classifier reads it) reads as, one at most per group, each more probable there than no act at all. */
  readAll(normalized: string): string[] {
    const x = this.encoder.encode(normalized);
    return this.parts.flatMap((svm) => {
      const probs = svm.predict(x);
      const best = argmax(probs);
      return svm.labels[best] === NO_ACT ? [] : [svm.labels[best]];
    });
  }

  /** The first act a text reads as, if any. */
  read(normalized: string): string | undefined {
    return this.readAll(normalized)[0];
  }
}

function fitPart(dim: number, noAct: Features[], acts: { act: string; x: Features }[], weight: number): LinearSvm {
  // `none`: examples that are no act of this head though they look like one ("no hay prisa, gracias" is no complaint).
  const classes = [NO_ACT, ...[...new Set(acts.map((a) => a.act))].filter((a) => a !== NONE).sort()];
  const svm = new LinearSvm(classes, dim);
  // A few hundred act examples beside thousands of others: each counts ACT_WEIGHT times, so that
  // "ets un robot?" outweighs the help example "ets un robot? i què fas?".
  const weighted = Array.from({ length: weight }, () => acts.map((a) => a.x)).flat();
  const targets = Array.from({ length: weight }, () => acts.map((a) => (a.act === NONE ? 0 : classes.indexOf(a.act)))).flat();
  svm.train([...noAct, ...weighted], [...noAct.map(() => 0), ...targets]);
  return svm;
}

const DEFAULT_HEAD = 'tone';
const NO_ACT = '-';
const NONE = 'none';
const ACT_WEIGHT = 2;
