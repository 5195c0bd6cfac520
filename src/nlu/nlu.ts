import { normalize, tokens } from './normalize.js';
import { ActHead, IntentModel } from './intent.js';
import { SoftmaxClassifier } from './classifier.js';
import { argmax } from './linear.js';
import { trainDenseHead, vote } from './dense.js';
import { EncoderThread } from './encoders/threaded.js';
import type { Features } from './encoders/types.js';
import { ModelCache, cacheKey } from './cache.js';
import { EmbeddingCache } from './embedding-cache.js';
import { LanguageIdentifier, loadFastText } from './language.js';
import { EntityExtractor } from './entities.js';
import { classifierText, findContacts, onlyContacts } from './contacts.js';
import { loadActCues, loadActs, loadExamples, loadLexicons, type Example } from './training.js';
import { ActReader, type Act } from './acts.js';
import { fit } from './trainer.js';
import { trainInBackground } from './retrain.js';
import { OUT_OF_SCOPE, SHARED_MODEL, type CachedModel, type NluLog, type NluOptions, type NluResult, type NluService, type Trained, type TrainJob } from './types.js';
import type { NluSettings } from './settings.js';
import type { KnowledgeBase, Lang } from '../knowledge/schema.js';

/** A sentence-embedding model and the intent head trained on its embeddings. */
interface Dense {
  encoder: EncoderThread;
  head: SoftmaxClassifier;
}

/** The embedding model when one is configured and it loads; otherwise the built-in encoder alone. */
async function loadEmbeddings(settings: NluSettings, log: Pick<NluLog, 'warn'>): Promise<EncoderThread | undefined> {
  if (!settings.embedding) return undefined;
  try {
    return await EncoderThread.load(settings.embedding);
  } catch (err) {
    log.warn(`${(err as Error).message.split('\n')[0]} — starting on the built-in n-gram encoder.`);
    return undefined;
  }
}

/**
 * Many texts (a first start's ~5,200 examples: ~20 s on one core) are embedded by the model's
 * thread and a second one on the same model, half each: nothing else needs the cores while the
 * bot starts. The second thread ends with it; a few texts go to the model's thread alone.
 */
async function embedOnBothCores(encoder: EncoderThread, texts: string[]): Promise<Features[]> {
  if (texts.length < 500) return encoder.encodeBatch(texts);
  const helper = await encoder.sibling().catch(() => undefined);
  if (!helper) return encoder.encodeBatch(texts);
  try {
    // Every other text: each half has the same mix of lengths.
    const halves = [texts.filter((_, i) => i % 2 === 0), texts.filter((_, i) => i % 2 === 1)];
    const [even, odd] = await Promise.all([encoder.encodeBatch(halves[0]), helper.encodeBatch(halves[1])]);
    return texts.map((_, i) => (i % 2 === 0 ? even[i / 2] : odd[(i - 1) / 2]));
  } finally {
    await helper.dispose();
  }
}

/** What a verb of forgetting erases when it names it: the conversation, the citizen's data (intents/entities/topic.yaml). */
const FORGOTTEN = ['conversation', 'data_safety', 'records'];
/** The learned acts read in a clause too: the whole message's words outweigh them. */
const IN_CLAUSE = ['about_chat', 'correction'];

/** The NLU pipeline: normalise -> encode -> language -> intent -> entities. Trained once at start. */
export class Nlu implements NluService {
  private dense?: Dense;
  /** The intent heads of organisations with taught examples of their own (a retraining's); the others use `model`. */
  private orgModels = new Map<string, IntentModel>();

  /** Resolves once a model just trained is in the cache (the start does not wait for the write). */
  saved: Promise<void> = Promise.resolve();

  private entities: EntityExtractor;

  private constructor(
    private model: IntentModel,
    /** The learned acts' head (a complaint, a question about the bot), when intents/acts/ has any. */
    private actHead: ActHead | undefined,
    private language: LanguageIdentifier,
    private kb: KnowledgeBase,
    private readonly options: NluOptions,
    private knownWords: Set<string>,
    private readonly lexicons: ReturnType<typeof loadLexicons>,
    private readonly acts: ActReader,
    /** What this start spent on the model: training it (from intents/ read to both heads trained and fastText loaded) or loading it from the cache. */
    readonly trainingMs: number,
  ) {
    this.entities = new EntityExtractor(kb, lexicons, knownWords, options.langs);
  }

  /** The NLU on `settings`, on this thread (the NLU thread runs this too: nlu-thread.ts). */
  static async start(settings: NluSettings, kb: KnowledgeBase | Promise<KnowledgeBase>, log: Pick<NluLog, 'warn'>): Promise<Nlu> {
    return Nlu.fromDirectory(settings.intentsDir, kb, settings.options, settings.cacheDir, await loadEmbeddings(settings, log));
  }

  /**
   * Trains on intents/ — or, when `cacheDir` holds a model trained on the very same files,
   * loads it instead (a start then takes milliseconds rather than a second of training).
   * `kb` (for the entities) may still be coming: training does not wait for it.
   */
  static async fromDirectory(
    dir: string,
    kb: KnowledgeBase | Promise<KnowledgeBase>,
    options: NluOptions,
    cacheDir?: string,
    encoder?: EncoderThread,
  ): Promise<Nlu> {
    const fastText = loadFastText();
    const lexicons = loadLexicons(dir);
    const acts = new ActReader(loadActCues(dir));
    const cache = cacheDir ? new ModelCache(cacheDir) : undefined;
    const key = cache && cacheKey(dir, { langs: options.langs, dense: encoder && `${encoder.name}@${encoder.fingerprint}` });
    const cached = key ? cache!.read<CachedModel>(key) : undefined;
    if (cached && (!encoder || cached.dense)) {
      const start = performance.now();
      const model = IntentModel.fromState(cached.intent);
      const language = LanguageIdentifier.fromState(cached.language, model.encoder.dim, await fastText);
      const loadMs = performance.now() - start;
      const nlu = new Nlu(model, cached.acts && ActHead.fromState(cached.acts), language, await kb, options, new Set(cached.knownWords), lexicons, acts, loadMs);
      if (encoder && cached.dense) nlu.dense = { encoder, head: SoftmaxClassifier.fromState(cached.dense) };
      return nlu;
    }
    const examples = loadExamples(dir);
    const readAt = performance.now();
    const { model, acts: actHead, language: local, knownWords } = fit(examples, options.langs, loadActs(dir));
    const language = LanguageIdentifier.fromState(local.toState(), model.encoder.dim, await fastText);
    const trainingMs = performance.now() - readAt;
    const nlu = new Nlu(model, actHead, language, await kb, options, knownWords, lexicons, acts, trainingMs);
    if (encoder) await nlu.trainDense(encoder, examples, cacheDir);
    // Kept for the next start once this one is serving (the write takes ~50 ms).
    if (key) nlu.saved = new Promise((resolve) => setImmediate(() => resolve(cache!.write(key, nlu.toCache()))));
    return nlu;
  }

  /** Trains the intent head over sentence embeddings (those of earlier starts from the cache); both heads then vote (analyse()). */
  private async trainDense(encoder: EncoderThread, examples: Example[], cacheDir?: string): Promise<void> {
    const cache = cacheDir ? new EmbeddingCache(cacheDir, `${encoder.name}@${encoder.fingerprint}`) : undefined;
    const known = cache?.read(encoder.dim) ?? new Map<string, Float32Array>();
    const texts = [...new Set(examples.map((e) => e.text))];
    const missing = texts.filter((t) => !known.has(t));
    if (missing.length) {
      (await embedOnBothCores(encoder, missing)).forEach((f, i) => known.set(missing[i], Float32Array.from(f.values)));
      // This intents/' examples only: those of earlier versions are not kept.
      cache?.write(new Map(texts.map((t) => [t, known.get(t)!])), encoder.dim);
    }
    const indices = Array.from({ length: encoder.dim }, (_, i) => i);
    const features = examples.map((e) => ({ indices, values: Array.from(known.get(e.text)!) }));
    this.dense = { encoder, head: trainDenseHead(this.model.intents, features, examples.map((e) => e.intent)) };
  }

  private toCache(): CachedModel {
    return {
      intent: this.model.toState(),
      ...(this.actHead ? { acts: this.actHead.toState() } : {}),
      language: this.language.toState(),
      knownWords: [...this.knownWords],
      ...(this.dense ? { dense: this.dense.head.toState() } : {}),
    };
  }

  /** Waits for the model's cache write, if one is under way, and ends the embedding model's thread. */
  async close(): Promise<void> {
    await this.saved;
    await this.dense?.encoder.dispose();
  }

  /** Rebuilds the entity gazetteer after the knowledge base changed (new offices or aliases). */
  useKnowledge(kb: KnowledgeBase): void {
    this.kb = kb;
    this.entities = new EntityExtractor(kb, this.lexicons, this.knownWords, this.options.langs);
  }

  /** Retrains on a thread of its own (retrain.ts) and serves the models if they are accepted; the result goes without them. */
  async retrain(job: TrainJob): Promise<Trained> {
    const { states, ...trained } = await trainInBackground(job);
    if (states) await this.serve(states, job.drop);
    return trained;
  }

  /**
   * Serves the models trained meanwhile, all together between two messages; a message being read
   * keeps the parts it already holds. An organisation's model is an intent head only (its
   * conversations share the language head and the entities). An embedding head, when there is
   * one, stays the one trained on intents/ (the retraining trains the n-gram heads only).
   */
  private async serve(states: { scope: string; state: CachedModel }[], drop: string[]): Promise<void> {
    // Built a part at a time, with the messages that arrive meanwhile read in between (each part takes ~10-30 ms).
    const between = () => new Promise((resolve) => setImmediate(resolve));
    const orgModels = new Map(this.orgModels);
    for (const org of drop) orgModels.delete(org);
    let shared: { model: IntentModel; actHead?: ActHead; language: LanguageIdentifier; knownWords: Set<string>; entities: EntityExtractor } | undefined;
    for (const { scope, state } of states) {
      const model = IntentModel.fromState(state.intent);
      await between();
      if (scope !== SHARED_MODEL) {
        orgModels.set(scope, model);
        continue;
      }
      const actHead = state.acts && ActHead.fromState(state.acts);
      await between(); // the act head's vocabulary is its own (~5-10 ms to rebuild)
      const language = LanguageIdentifier.fromState(state.language, model.encoder.dim, this.language.fastText);
      await between();
      const knownWords = new Set(state.knownWords);
      shared = { model, actHead, language, knownWords, entities: new EntityExtractor(this.kb, this.lexicons, knownWords, this.options.langs) };
    }
    Object.assign(this, { ...shared, orgModels });
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
  async analyse(text: string, hint?: Lang, org?: string): Promise<NluResult> {
    const { result, probs } = this.read(text, hint, org);
    if (!this.dense || !probs || result.gibberish) return result;
    // The model is behind (a burst) or its thread failed: the n-gram head answers alone rather than queue the message.
    const embedding = await this.dense.encoder.queued(text)?.catch(() => undefined);
    if (!embedding) return { ...result, encoderSkipped: true };
    return { ...result, ...this.decide(vote(this.dense.head.predict(embedding), probs)) };
  }

  parse(text: string, hint?: Lang, org?: string): NluResult {
    return this.read(text, hint, org).result;
  }

  /** The reading of a message, and the n-gram head's probabilities (none for an empty message). */
  private read(text: string, hint?: Lang, org?: string): { result: NluResult; probs?: Float64Array } {
    const norm = normalize(text);
    if (!norm) {
      const lang = hint ?? this.options.defaultLang;
      return { result: { lang, langConfidence: 0, intent: OUT_OF_SCOPE, confidence: 1, entities: {}, bare: false, act: 'statement', negated: false, gibberish: true } };
    }
    // Numbers, addresses and links are no words of any intent: the classifier reads the rest.
    const contacts = findContacts(text);
    const words = contacts.length > 0 ? classifierText(text) : norm;
    if (onlyContacts(words)) {
      // Nothing but a number or an address: what the conversation asks of it decides (dialogue/policy.yaml).
      const lang = hint ?? this.options.defaultLang;
      const found = this.entities.extract(norm, lang);
      return { result: { lang, langConfidence: 0, intent: OUT_OF_SCOPE, confidence: 0, entities: found.entities, bare: true, act: 'statement', negated: false, contacts } };
    }
    const features = this.model.features(words);
    // Without a hint, "hola" or "ok" lean towards the default language rather than a coin toss.
    const { lang, confidence: langConfidence } = hint
      ? this.language.identify(text, norm, features, hint)
      : this.language.identify(text, norm, features, this.options.defaultLang, 0.3);
    // Every model has the same intents, in the same (sorted) order: their probabilities line up with the embedding head's.
    const own = org === undefined ? undefined : this.orgModels.get(org);
    const probs = own ? own.probabilities(own.features(words)) : this.model.probabilities(features);
    const found = this.entities.extract(norm, lang, org);
    // "La web no carga. ¿Sigue funcionando el portal?", "¿trabajan? pasé y está todo cerrado": what it
    // asks about, and whether it asks if that is open or closed, working or down, are the question's
    // own; the sentences around it are context.
    const question = found.entities.state || found.entities.topic ? text.split(/(?<=[.!?])\s+|\n/).filter((s) => s.includes('?')) : [];
    if (question.length === 1 && question[0] !== text) {
      const own = this.entities.extract(normalize(question[0]), lang, org).entities;
      for (const key of ['state', 'topic'] as const) {
        if (own[key]) found.entities[key] = own[key];
        else if (key === 'state') delete found.entities.state;
      }
    }
    // Words of three letters or more, none of which the bot knows ("asdfgh ñlkj", "ghghgh ???"; "hi" and "ok" are not).
    const long = tokens(norm).filter((w) => w.length >= 3);
    const gibberish = contacts.length === 0 && Object.keys(found.entities).length === 0 && long.length > 0 && !long.some((w) => /\d/.test(w) || this.knownWords.has(w));
    // Learned: a question about the bot is the message's act, whatever its form; a complaint (an insult too) is its tone.
    const learned = this.learnedActs(words, text);
    const { forgetting, fails, ...read } = this.acts.read(text, lang);
    // "Olvida lo que te he dicho" erases what it names that the bot holds; "olvídalo" lets a matter drop.
    const form = { ...read, erasing: read.erasing || (forgetting && FORGOTTEN.includes(found.entities.topic ?? '')) };
    // "¿No carga la web?": a yes/no question that says something fails asks whether it is down (not
    // "La web no carga. ¿Sigue funcionando el portal?": there the failing is told, the question is the portal's).
    const asksFailing = fails && (question.length !== 1 || question[0] === text || this.acts.read(question[0], lang).fails);
    if (asksFailing && form.act === 'yes_no' && !found.entities.state) found.entities.state = 'closed';
    // "Dov'è…?", "Varför är … stängt?" ask something of their own; "what about Altabix?" is a follow-up.
    const bare = found.bare && ['statement', 'yes_no', 'what'].includes(form.act);
    // No word it knows: it cannot place the message, whatever the head reads in its letters.
    const decided = gibberish ? { intent: OUT_OF_SCOPE, confidence: 1 } : this.decide(probs);
    // Names and function words alone ("No", "¿y Torrellano?") carry no tone, whatever the head reads in them.
    // Letting a matter drop ("bah, déjalo") is no complaint, however short and gruff.
    const complaint = learned.includes('complaint') && !found.bare && !learned.includes('dismiss');
    // A command with a verb of erasing ("borra lo que te he escrito") is no question about the chat, whatever the head reads.
    const command = form.erasing && form.act === 'statement';
    // About the chat before about the bot: "¿guardáis lo que escribo?" asks of the bot, and of the chat first.
    // A message that names an office asks about the office, not the chat ("e se vado a quello dell'altet?").
    // A wish said, not asked ("preferiría que esto no quedara guardado"), is the wish, not a question about the chat.
    const eraseWish = learned.includes('erase_wish');
    const aboutChat = learned.includes('about_chat') && !command && !found.entities.office && !(eraseWish && form.act === 'statement');
    const learnedAct = aboutChat ? 'about_chat' : learned.find((a) => a === 'about_bot');
    const flags = { complaint, correction: learned.includes('correction'), more: learned.includes('more'), dismiss: learned.includes('dismiss') && !form.erasing, eraseWish, staffed: learned.includes('staffed'), trouble: fails };
    const extra = { ...(learnedAct ? { act: learnedAct as Act } : {}), ...Object.fromEntries(Object.entries(flags).filter(([, on]) => on)), ...(contacts.length > 0 ? { contacts } : {}) };
    return { result: { lang, langConfidence, ...decided, ...found, bare, ...form, ...extra, gibberish }, probs };
  }

  /**
   * The learned acts of the whole message, and a question about the chat or a correction of one of
   * its clauses where the whole reads neither: beside another question ("antes de nada, ¿quién lee
   * esto? es por el padrón") or a wish ("dimentica quello che ti ho chiesto, intendevo Torrellano")
   * they are outweighed by its words in the whole. A complaint only from the whole: a clause alone
   * reads too often as one ("devo andare in comune per forza?").
   */
  private learnedActs(words: string, text: string): string[] {
    if (!this.actHead) return [];
    const whole = this.actHead.readAll(words);
    if (whole.some((a) => IN_CLAUSE.includes(a))) return whole;
    const clauses = text.split(/[.!?,;:¿¡]+|\s-\s/).map((c) => normalize(classifierText(c))).filter((c) => tokens(c).length >= 4);
    if (clauses.length < 2) return whole;
    const inClause = clauses.flatMap((c) => this.actHead!.readAll(c)).find((a) => IN_CLAUSE.includes(a));
    return inClause ? [...whole, inClause] : whole;
  }

  /** The most probable intent, or out_of_scope below the confidence threshold; and the three best guesses. */
  private decide(probs: Float64Array): Pick<NluResult, 'intent' | 'confidence' | 'guesses'> {
    const best = argmax(probs);
    const confidence = probs[best];
    const guesses = [...probs]
      .map((p, i) => ({ intent: this.model.intents[i], confidence: p }))
      .sort((a, b) => b.confidence - a.confidence)
      .slice(0, 3);
    return { intent: confidence < this.options.threshold ? OUT_OF_SCOPE : this.model.intents[best], confidence, guesses };
  }
}
