import { normalize } from './normalize.js';
import { IntentModel, type IntentModelState } from './intent.js';
import { SoftmaxClassifier, argmax, type ClassifierState } from './classifier.js';
import type { TransformersEncoder } from './encoders/transformers.js';
import { ModelCache, fingerprint } from './cache.js';
import { LanguageIdentifier } from './language.js';
import { EntityExtractor, type Entities } from './entities.js';
import { loadExamples, loadLexicons, type Example } from './training.js';
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
  language: ClassifierState;
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
  readonly trainingMs: number;

  private dense?: Dense;

  private constructor(
    private readonly model: IntentModel,
    private readonly language: LanguageIdentifier,
    private entities: EntityExtractor,
    private readonly options: NluOptions,
    private readonly knownWords: Set<string>,
    private readonly lexicons: ReturnType<typeof loadLexicons>,
    trainingMs: number,
  ) {
    this.trainingMs = trainingMs;
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
  ): Promise<Nlu> {
    const lexicons = loadLexicons(dir);
    const cache = cacheDir ? new ModelCache(cacheDir) : undefined;
    const key = cache && fingerprint(dir, { langs: options.langs, dense: encoder?.name });
    const cached = key ? cache!.read<CachedModel>(key) : undefined;
    if (cached && (!encoder || cached.dense)) {
      const start = performance.now();
      const model = IntentModel.fromState(cached.intent);
      const language = await LanguageIdentifier.fromState(cached.language, model.encoder.dim);
      const knownWords = new Set(cached.knownWords);
      const entities = new EntityExtractor(kb, lexicons, knownWords);
      const nlu = new Nlu(model, language, entities, options, knownWords, lexicons, performance.now() - start);
      if (encoder && cached.dense) nlu.dense = { encoder, head: SoftmaxClassifier.fromState(cached.dense) };
      return nlu;
    }
    const examples = loadExamples(dir);
    const nlu = await Nlu.train(examples, kb, options, lexicons);
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

  static async train(
    examples: Example[],
    kb: KnowledgeBase,
    options: NluOptions,
    lexicons: ReturnType<typeof loadLexicons> = { certificate: {}, language: {}, scope: {} },
  ): Promise<Nlu> {
    const start = performance.now();
    const model = IntentModel.train(examples.map((e) => e.text), examples.map((e) => e.intent));
    const texts = examples.map((e) => normalize(e.text));
    const features = texts.map((t) => model.features(t));
    const language = await LanguageIdentifier.create(
      options.langs,
      model.encoder.dim,
      examples.map((e, i) => ({ raw: e.text, features: features[i], lang: e.lang })),
    );
    const knownWords = new Set(texts.flatMap((t) => t.split(' ')));
    const entities = new EntityExtractor(kb, lexicons, knownWords);
    return new Nlu(model, language, entities, options, knownWords, lexicons, performance.now() - start);
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
    const result = this.parse(text, hint);
    if (!this.dense || !normalize(text)) return result;
    const [embedding] = await this.dense.encoder.encodeBatch([text]);
    const dense = this.dense.head.predict(embedding);
    const ngram = this.model.probabilities(this.model.features(normalize(text)));
    for (let i = 0; i < dense.length; i++) dense[i] = (dense[i] + ngram[i]) / 2;
    const best = argmax(dense);
    const confidence = dense[best];
    return { ...result, intent: confidence < this.options.threshold ? OUT_OF_SCOPE : this.model.intents[best], confidence };
  }

  parse(text: string, hint?: Lang): NluResult {
    const norm = normalize(text);
    if (!norm) {
      return { lang: hint ?? this.options.defaultLang, langConfidence: 0, intent: OUT_OF_SCOPE, confidence: 1, entities: {}, bare: false };
    }
    const features = this.model.features(norm);
    // Without a hint, "hola" or "ok" lean towards the default language rather than a coin toss.
    const { lang, confidence: langConfidence } = hint
      ? this.language.identify(text, norm, features, hint)
      : this.language.identify(text, norm, features, this.options.defaultLang, 0.3);
    const best = this.model.predictFeatures(features);
    const confidence = best.confidence;
    const intent = confidence < this.options.threshold ? OUT_OF_SCOPE : best.intent;
    return { lang, langConfidence, intent, confidence, ...this.entities.extract(norm, lang) };
  }
}
