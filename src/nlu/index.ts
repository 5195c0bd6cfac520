import { normalize } from './normalize.js';
import { IntentModel, type IntentModelState } from './intent.js';
import { SoftmaxClassifier, type ClassifierState } from './classifier.js';
import { argmax } from './linear.js';
import type { SvmState } from './svm.js';
import type { TransformersEncoder } from './encoders/transformers.js';
import { ModelCache, cacheKey } from './cache.js';
import { LanguageIdentifier, loadFastText } from './language.js';
import { languageRows } from './marks.js';
import { EntityExtractor, type Entities } from './entities.js';
import { loadLexicons, type Example } from './training.js';
import { NluTrainer } from './trainer.js';
import type { KnowledgeBase, Lang } from '../knowledge/schema.js';

export const OUT_OF_SCOPE = 'out_of_scope';

export interface NluResult {
  lang: Lang;
  langConfidence: number;
  intent: string;
  confidence: number;
  entities: Entities;
  /** The message is only entity names and function words (an answer to "which office?"). */
  bare: boolean;
}

export interface NluOptions {
  langs: Lang[];
  defaultLang: Lang;
  /** Below this probability the intent is out_of_scope. */
  threshold: number;
}

interface CachedModel {
  intent: IntentModelState;
  language: SvmState;
  knownWords: string[];
  /** The head over sentence embeddings, when an embedding model was in use. */
  dense?: ClassifierState;
}

/** A sentence-embedding model and the intent head trained on its embeddings. */
interface Dense {
  encoder: TransformersEncoder;
  head: SoftmaxClassifier;
}

/** The NLU pipeline: normalise -> encode -> language -> intent -> entities. Trained once at start. */
export class Nlu {
  private dense?: Dense;

  private entities: EntityExtractor;

  private constructor(
    private readonly model: IntentModel,
    private readonly language: LanguageIdentifier,
    kb: KnowledgeBase,
    private readonly options: NluOptions,
    private readonly knownWords: Set<string>,
    private readonly lexicons: ReturnType<typeof loadLexicons>,
    /** What this start spent on the model: training it (from intents/ read to both heads trained and fastText loaded) or loading it from the cache. */
    readonly trainingMs: number,
  ) {
    this.entities = new EntityExtractor(kb, lexicons, knownWords);
  }

  /**
   * Trains on intents/ — or, when `cacheDir` holds a model trained on the very same files,
   * loads it instead (a start then takes milliseconds rather than a second of training).
   */
  static async fromDirectory(
    dir: string,
    kb: KnowledgeBase,
    options: NluOptions,
    cacheDir?: string,
    encoder?: TransformersEncoder,
    /** Started earlier on `dir` (src/main.ts); without one, training starts here. */
    trainer?: NluTrainer,
  ): Promise<Nlu> {
    const fastText = loadFastText();
    const lexicons = loadLexicons(dir);
    const cache = cacheDir ? new ModelCache(cacheDir) : undefined;
    const key = cache && cacheKey(dir, { langs: options.langs, dense: encoder?.name });
    const cached = key ? cache!.read<CachedModel>(key) : undefined;
    if (cached && (!encoder || cached.dense)) {
      trainer?.stop();
      const start = performance.now();
      const model = IntentModel.fromState(cached.intent);
      const language = LanguageIdentifier.fromState(cached.language, model.encoder.dim, await fastText);
      const nlu = new Nlu(model, language, kb, options, new Set(cached.knownWords), lexicons, performance.now() - start);
      if (encoder && cached.dense) nlu.dense = { encoder, head: SoftmaxClassifier.fromState(cached.dense) };
      return nlu;
    }
    trainer ??= new NluTrainer(dir);
    const { readAt, examples, texts, encoder: ngram, features } = await trainer.encoded;
    // The intent head trains on the trainer's thread meanwhile.
    const rows = languageRows(examples.map((e) => e.text), features, ngram.dim);
    const language = LanguageIdentifier.train(options.langs, ngram.dim, rows, examples.map((e) => options.langs.indexOf(e.lang)));
    const knownWords = texts.flatMap((t) => t.split(' '));
    const [intentHead, ft] = await Promise.all([trainer.intentHead, fastText]);
    const model = IntentModel.of(ngram, intentHead);
    const trainingMs = performance.timeOrigin + performance.now() - readAt;
    const nlu = new Nlu(model, language.withFastText(ft), kb, options, new Set(knownWords), lexicons, trainingMs);
    if (encoder) await nlu.trainDense(encoder, examples);
    if (key) cache!.write(key, nlu.toCache());
    return nlu;
  }

  /** Trains the intent head over sentence embeddings; both heads then vote (analyse()). */
  private async trainDense(encoder: TransformersEncoder, examples: Example[]): Promise<void> {
    const features = await encoder.encodeBatch(examples.map((e) => e.text));
    const head = new SoftmaxClassifier(this.model.intents, encoder.dim);
    head.train(features, examples.map((e) => this.model.intents.indexOf(e.intent)), { epochs: 30, l2: 0 });
    this.dense = { encoder, head };
  }

  private toCache(): CachedModel {
    return {
      intent: this.model.toState(),
      language: this.language.toState(),
      knownWords: [...this.knownWords],
      ...(this.dense ? { dense: this.dense.head.toState() } : {}),
    };
  }

  /** Rebuilds the entity gazetteer after the knowledge base changed (new offices or aliases). */
  useKnowledge(kb: KnowledgeBase): void {
    this.entities = new EntityExtractor(kb, this.lexicons, this.knownWords);
  }

  get intents(): string[] {
    return this.model.intents;
  }

  /** The active encoders and language identifiers, for /health. */
  get encoders(): string[] {
    return [
      this.model.encoder.name,
      ...(this.dense ? [this.dense.encoder.name] : []),
      ...(this.language.usesFastText ? ['fasttext-lid.176'] : []),
    ];
  }

  /**
   * parse(), with the embedding model's vote when one is loaded: the two heads' probabilities
   * are averaged. Without an embedding model this is parse() (synchronous work, ~40 µs).
   */
  async analyse(text: string, hint?: Lang): Promise<NluResult> {
    const { result, probs } = this.read(text, hint);
    if (!this.dense || !probs) return result;
    const [embedding] = await this.dense.encoder.encodeBatch([text]);
    const votes = this.dense.head.predict(embedding);
    for (let i = 0; i < votes.length; i++) votes[i] = (votes[i] + probs[i]) / 2;
    return { ...result, ...this.decide(votes) };
  }

  parse(text: string, hint?: Lang): NluResult {
    return this.read(text, hint).result;
  }

  /** The reading of a message, and the n-gram head's probabilities (none for an empty message). */
  private read(text: string, hint?: Lang): { result: NluResult; probs?: Float64Array } {
    const norm = normalize(text);
    if (!norm) {
      return { result: { lang: hint ?? this.options.defaultLang, langConfidence: 0, intent: OUT_OF_SCOPE, confidence: 1, entities: {}, bare: false } };
    }
    const features = this.model.features(norm);
    // Without a hint, "hola" or "ok" lean towards the default language rather than a coin toss.
    const { lang, confidence: langConfidence } = hint
      ? this.language.identify(text, norm, features, hint)
      : this.language.identify(text, norm, features, this.options.defaultLang, 0.3);
    const probs = this.model.probabilities(this.model.encoder.usesLanguage ? this.model.features(norm, lang) : features);
    return { result: { lang, langConfidence, ...this.decide(probs), ...this.entities.extract(norm, lang) }, probs };
  }

  /** The most probable intent, or out_of_scope below the confidence threshold. */
  private decide(probs: Float64Array): { intent: string; confidence: number } {
    const best = argmax(probs);
    const confidence = probs[best];
    return { intent: confidence < this.options.threshold ? OUT_OF_SCOPE : this.model.intents[best], confidence };
  }
}
