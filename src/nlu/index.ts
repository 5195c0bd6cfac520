import { normalize } from './normalize.js';
import { IntentModel } from './intent.js';
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

/** The NLU pipeline: normalise -> encode -> language -> intent -> entities. Trained once at start. */
export class Nlu {
  readonly trainingMs: number;

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

  static async fromDirectory(dir: string, kb: KnowledgeBase, options: NluOptions): Promise<Nlu> {
    return Nlu.train(loadExamples(dir), kb, options, loadLexicons(dir));
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
    return [this.model.encoder.name, ...(this.language.usesFastText ? ['fasttext-lid.176'] : [])];
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
