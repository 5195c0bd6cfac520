import { randomUUID } from 'node:crypto';
import type { NluService } from '../nlu/index.js';
import { normalize } from '../nlu/normalize.js';
import { overlayKey } from '../nlu/trainer.js';
import type { Score, TrainJob } from '../nlu/types.js';
import { loadExamples, type Example } from '../nlu/training.js';
import { exampleKey, type ExampleRepository, type TaughtExample } from '../storage/index.js';
import type { Lang } from '../knowledge/schema.js';
import { reviewId } from './review.js';

/** A validation accuracy drop larger than this (one point) refuses a retrained model. */
export const MAX_ACCURACY_DROP = 0.01;

/** How long a retraining waits for more changes before it reads the overlay. */
const BURST_MS = 100;

/** Why a retrained model was refused: the accuracy before and after, and which intents it confused. */
export interface Refusal {
  accuracyBefore: number;
  accuracyAfter: number;
  /** Validation messages the serving model read right and the new one wrong, by expected and read intent. */
  confused: { expected: string; got: string; count: number; examples: string[] }[];
}

/** The model that serves and whether a training is under way (GET /api/admin/nlu). */
export interface NluStatus {
  /** The cache key of the serving model: a fingerprint of intents/, the training choices and the overlay. */
  version: string;
  overlayVersion: number;
  trainedAt: string;
  examples: number;
  taught: number;
  fromCache: boolean;
  trainingMs: number;
  validationAccuracy?: number;
  training: boolean;
  lastRefusal?: Refusal & { at: string };
}

/** Who taught what: the example's text, language, intent and organisation. */
export interface Lesson {
  text: string;
  lang: Lang;
  intent: string;
  by: string;
  org?: string;
  review?: string;
}

/** An example that says otherwise: in intents/ (its file) or taught before (its record). */
export type Contradiction = { text: string; lang: string; intent: string; source: string; id?: string };

export type TeachOutcome =
  | { added: TaughtExample; existing?: false }
  | { added: TaughtExample; existing: true }
  | { contradicts: Contradiction }
  | { refused: Refusal };

const asExample = (e: TaughtExample): Example => ({ text: e.text, lang: e.lang as Lang, intent: e.intent });

/** Groups what the new model gets wrong that the serving one got right. */
function confusions(before: Score, after: Score): Refusal['confused'] {
  const wasWrong = new Set(before.wrong.map((w) => `${w.lang}|${w.text}`));
  const groups = new Map<string, Refusal['confused'][number]>();
  for (const w of after.wrong) {
    if (wasWrong.has(`${w.lang}|${w.text}`)) continue;
    const k = `${w.expected}>${w.got}`;
    const g = groups.get(k) ?? { expected: w.expected, got: w.got, count: 0, examples: [] };
    g.count++;
    if (g.examples.length < 3) g.examples.push(w.text);
    groups.set(k, g);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

/**
 * The training overlay at work: teaching adds to the store's overlay and retrains in the
 * background (the serving model answers meanwhile, then the new one takes over); a version poll
 * makes every instance on the same store retrain on a change another one made.
 */
export class Teaching {
  private serving: Omit<NluStatus, 'training' | 'lastRefusal'> & { overlay: Example[]; ids: Set<string>; fingerprint: string; score?: Score };
  private lastRefusal?: NluStatus['lastRefusal'];
  private training = false;
  private seenVersion = -1;
  private chain: Promise<unknown> = Promise.resolve();
  private queued?: Promise<Refusal | undefined>;
  private timer?: NodeJS.Timeout;
  /** intents/ by language and normalised text: an example saying otherwise is a contradiction. */
  private readonly base = new Map<string, Example>();

  constructor(
    private readonly repo: ExampleRepository,
    private readonly nlu: NluService,
    private readonly job: Omit<TrainJob, 'overlay' | 'baseline' | 'maxDrop'>,
    private readonly pollMs: number,
  ) {
    const base = loadExamples(job.intentsDir);
    for (const e of base) this.base.set(exampleKey({ lang: e.lang, norm: normalize(e.text) }), e);
    // A new NLU thread starts on intents/ alone: the overlay's model is handed to it again (from the cache).
    nlu.onRestart?.(() => {
      this.serving = { ...this.serving, fingerprint: 'restarted' };
      void this.sync().catch(() => {});
    });
    this.serving = { version: 'intents', overlayVersion: 0, trainedAt: new Date().toISOString(), examples: base.length, taught: 0, fromCache: false, trainingMs: nlu.trainingMs, overlay: [], ids: new Set(), fingerprint: '' };
  }

  /** Serves the overlay the store holds (a restart loads its model from the cache), then watches for changes. */
  async start(): Promise<void> {
    // A store or a training that fails here leaves intents/ alone serving; the poll tries again.
    await this.sync().catch(() => {});
    if (this.pollMs > 0) this.timer = setInterval(() => void this.poll(), this.pollMs).unref();
  }

  private async poll(): Promise<void> {
    const version = await this.repo.version().catch(() => undefined);
    if (version !== undefined && version !== this.seenVersion && !this.training) await this.sync().catch(() => {});
  }

  /** Retrains on the overlay as it is now, once the training under way (if any) is over. */
  sync(): Promise<Refusal | undefined> {
    // Changes that come while one waits to start join it: a burst of lessons is one retraining.
    if (this.queued) return this.queued;
    const run = this.chain.then(async () => {
      await new Promise((resolve) => setTimeout(resolve, BURST_MS));
      this.queued = undefined;
      return this.retrain();
    });
    this.queued = run;
    this.chain = run.catch(() => {});
    return run;
  }

  private async retrain(): Promise<Refusal | undefined> {
    const version = await this.repo.version();
    const taught = await this.repo.list();
    this.seenVersion = version;
    const overlay = taught.map(asExample);
    const fingerprint = overlayKey(overlay).overlay ?? '';
    if (fingerprint === this.serving.fingerprint) {
      this.serving = { ...this.serving, overlayVersion: version, ids: new Set(taught.map((e) => e.id)) };
      return undefined;
    }
    this.training = true;
    try {
      const job = { ...this.job, maxDrop: MAX_ACCURACY_DROP, overlay, baseline: this.serving.overlay, ...(this.serving.score ? { baselineScore: this.serving.score } : {}) };
      // Served by the NLU before it resolves, if accepted.
      const t = await this.nlu.retrain(job);
      this.serving.score ??= t.baseline;
      if (!t.accepted) {
        const refusal = { accuracyBefore: t.baseline.accuracy, accuracyAfter: t.candidate.accuracy, confused: confusions(t.baseline, t.candidate) };
        this.lastRefusal = { ...refusal, at: new Date().toISOString() };
        return refusal;
      }
      this.serving = {
        version: t.key,
        overlayVersion: version,
        trainedAt: new Date().toISOString(),
        examples: t.examples,
        taught: overlay.length,
        fromCache: t.fromCache,
        trainingMs: Math.round(t.trainingMs),
        validationAccuracy: t.candidate.accuracy,
        overlay,
        ids: new Set(taught.map((e) => e.id)),
        fingerprint,
        score: t.candidate,
      };
      return undefined;
    } finally {
      this.training = false;
    }
  }

  /**
   * Adds an example and waits for the model trained with it: refused when it contradicts an
   * example (of intents/ or taught), or when the model trained with it does worse on the
   * validation set (it is then taken out again and the serving model stays).
   */
  async teach(lesson: Lesson): Promise<TeachOutcome> {
    const norm = normalize(lesson.text);
    const inBase = this.base.get(exampleKey({ lang: lesson.lang, norm }));
    if (inBase && inBase.intent !== lesson.intent) return { contradicts: { text: inBase.text, lang: inBase.lang, intent: inBase.intent, source: `intents/${inBase.intent}.yaml` } };
    const example: TaughtExample = { id: randomUUID(), text: lesson.text, norm, lang: lesson.lang, intent: lesson.intent, by: lesson.by, at: new Date().toISOString(), ...(lesson.org ? { org: lesson.org } : {}), ...(lesson.review ? { review: lesson.review } : {}) };
    const out = await this.repo.add(example);
    if ('conflict' in out) return { contradicts: { text: out.conflict.text, lang: out.conflict.lang, intent: out.conflict.intent, source: 'taught', id: out.conflict.id } };
    if ('existing' in out) return { added: out.existing, existing: true };
    const refusal = await this.sync();
    if (refusal && !this.serving.ids.has(example.id)) {
      await this.repo.remove(example.id);
      await this.sync();
      return { refused: refusal };
    }
    return { added: out.added };
  }

  /** Undoes an example: the model is retrained without it. */
  async forget(id: string): Promise<TaughtExample | undefined> {
    const removed = await this.repo.remove(id);
    if (removed) await this.sync();
    return removed;
  }

  list(): Promise<TaughtExample[]> {
    return this.repo.list();
  }

  /** The review groups already settled: taught (from the list, or the same text directly) or dismissed. */
  async settled(): Promise<Set<string>> {
    const [taught, dismissed] = await Promise.all([this.repo.list(), this.repo.dismissed()]);
    return new Set([...dismissed, ...taught.flatMap((e) => [reviewId(e.lang, e.text), ...(e.review ? [e.review] : [])])]);
  }

  dismiss(review: string): Promise<void> {
    return this.repo.dismiss(review);
  }

  get status(): NluStatus {
    const { overlay: _o, ids: _i, fingerprint: _f, score: _s, ...serving } = this.serving;
    return { ...serving, training: this.training, ...(this.lastRefusal ? { lastRefusal: this.lastRefusal } : {}) };
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.chain;
  }
}
