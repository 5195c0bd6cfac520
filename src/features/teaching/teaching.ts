import { randomUUID } from 'node:crypto';
import type { NluService } from '../../nlu/index.js';
import { normalize } from '../../nlu/normalize.js';
import { flipped, overlayKey } from '../../nlu/trainer.js';
import { SHARED_MODEL, type Score, type TrainJob } from '../../nlu/types.js';
import { loadExamples, type Example } from '../../nlu/training.js';
import { exampleKey, type ExampleRepository, type TaughtExample } from '../../storage/index.js';
import type { Lang } from '../../knowledge/schema.js';
import { reviewId } from './review.js';

/** How long a retraining waits for more changes before it reads the overlay. */
const BURST_MS = 100;

/**
 * Intents staff of an organisation may not teach, only admins (and the token): a message read as
 * one of them erases the conversation or ends its notices, so an example of them is a weapon.
 */
export const ADMIN_ONLY_INTENTS: ReadonlySet<string> = new Set(['forget_data', 'unsubscribe_updates']);

/** Why a change was refused: the model that flipped validation messages, its accuracy before and after, what it confused. */
export interface Refusal {
  /** The organisation whose model it was; none: the shared one. */
  org?: string;
  accuracyBefore: number;
  accuracyAfter: number;
  /** Validation messages the serving model read right and the new one wrong, by expected and read intent. */
  confused: { expected: string; got: string; count: number; examples: string[] }[];
}

/** A model that serves (GET /api/admin/nlu): the shared one, or an organisation's. */
export interface ModelStatus {
  /** The cache key of the serving model: a fingerprint of intents/, the training choices and the overlay. */
  version: string;
  overlayVersion: number;
  trainedAt: string;
  examples: number;
  taught: number;
  fromCache: boolean;
  trainingMs: number;
  validationAccuracy?: number;
}

/** The model that serves a caller and whether a training is under way. */
export interface NluStatus extends ModelStatus {
  training: boolean;
  lastRefusal?: Refusal & { at: string };
  /** The organisations (of the caller's) served by a model of their own. */
  organisations: ({ org: string } & Pick<ModelStatus, 'version' | 'taught' | 'trainedAt'>)[];
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
  const groups = new Map<string, Refusal['confused'][number]>();
  for (const w of flipped(before, after)) {
    const k = `${w.expected}>${w.got}`;
    const g = groups.get(k) ?? { expected: w.expected, got: w.got, count: 0, examples: [] };
    g.count++;
    if (g.examples.length < 3) g.examples.push(w.text);
    groups.set(k, g);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

/**
 * The overlay of each model: the shared one trains on the examples taught for no organisation
 * (by an admin or the token), each organisation's on those and its own. An organisation without
 * examples of its own has no model of its own.
 */
function overlays(taught: TaughtExample[]): Map<string, Example[]> {
  const shared = taught.filter((e) => !e.org).map(asExample);
  const out = new Map<string, Example[]>([[SHARED_MODEL, shared]]);
  for (const e of taught) if (e.org && !out.has(e.org)) out.set(e.org, [...shared, ...taught.filter((t) => t.org === e.org).map(asExample)]);
  return out;
}

/** A model in service: its status, and what a retraining compares with. */
type Serving = ModelStatus & { overlay: Example[]; fingerprint: string; score?: Score };

/**
 * The training overlay at work: teaching adds to the store's overlay and retrains in the
 * background (the serving models answer meanwhile, then the new ones take over); a version poll
 * makes every instance on the same store retrain on a change another one made.
 *
 * Examples taught for an organisation train a model of its own, which reads its conversations
 * only: one organisation's staff never move how another's citizens are understood (a shared model
 * with per-organisation examples let five examples taught by one council make another's question
 * about opening hours read as erasure). The cost is one more model per organisation that taught:
 * its training (one to two seconds, on the retraining thread) and ~2 MB of memory.
 */
export class Teaching {
  /** The models in service by scope (SHARED_MODEL, or an organisation's id). */
  private serving = new Map<string, Serving>();
  /** The examples the serving models were trained on. */
  private servedIds = new Set<string>();
  private lastRefusal?: NluStatus['lastRefusal'];
  private training = false;
  private seenVersion = -1;
  private chain: Promise<unknown> = Promise.resolve();
  private queued?: { run: Promise<Refusal | undefined>; guard: boolean };
  private timer?: NodeJS.Timeout;
  /** intents/ by language and normalised text: an example saying otherwise is a contradiction. */
  private readonly base = new Map<string, Example>();

  constructor(
    private readonly repo: ExampleRepository,
    private readonly nlu: NluService,
    private readonly job: Omit<TrainJob, 'models' | 'drop' | 'guard'>,
    private readonly pollMs: number,
  ) {
    const base = loadExamples(job.intentsDir);
    for (const e of base) this.base.set(exampleKey({ lang: e.lang, norm: normalize(e.text) }), e);
    // A new NLU thread starts on intents/ alone: the overlay's models are handed to it again (from the cache).
    nlu.onRestart?.(() => {
      this.serving = new Map([[SHARED_MODEL, this.intentsOnly(base.length)]]);
      void this.sync().catch(() => {});
    });
    this.serving.set(SHARED_MODEL, this.intentsOnly(base.length));
  }

  private intentsOnly(examples: number): Serving {
    return { version: 'intents', overlayVersion: 0, trainedAt: new Date().toISOString(), examples, taught: 0, fromCache: false, trainingMs: this.nlu.trainingMs, overlay: [], fingerprint: '' };
  }

  /** Serves the overlay the store holds (a restart loads its models from the cache), then watches for changes. */
  async start(): Promise<void> {
    // A store or a training that fails here leaves intents/ alone serving; the poll tries again.
    await this.sync().catch(() => {});
    if (this.pollMs > 0) this.timer = setInterval(() => void this.poll(), this.pollMs).unref();
  }

  private async poll(): Promise<void> {
    const version = await this.repo.version().catch(() => undefined);
    if (version !== undefined && version !== this.seenVersion && !this.training) await this.sync().catch(() => {});
  }

  /**
   * Retrains on the overlay as it is now, once the training under way (if any) is over.
   * @param guard with the guard rail (a lesson); without, the models follow the store (a start,
   *   another instance's change, an undo: what the store holds was checked where it was taught)
   */
  sync(guard = false): Promise<Refusal | undefined> {
    // Changes that come while one waits to start join it: a burst of lessons is one retraining.
    if (this.queued) {
      this.queued.guard ||= guard;
      return this.queued.run;
    }
    const queued = { guard, run: undefined as unknown as Promise<Refusal | undefined> };
    queued.run = this.chain.then(async () => {
      await new Promise((resolve) => setTimeout(resolve, BURST_MS));
      this.queued = undefined;
      return this.retrain(queued.guard);
    });
    this.queued = queued;
    this.chain = queued.run.catch(() => {});
    return queued.run;
  }

  private async retrain(guard: boolean): Promise<Refusal | undefined> {
    const version = await this.repo.version();
    const taught = await this.repo.list();
    this.seenVersion = version;
    const wanted = overlays(taught);
    const shared = this.serving.get(SHARED_MODEL)!;
    const models = [...wanted]
      .map(([scope, overlay]) => ({ scope, overlay, fingerprint: overlayKey(overlay).overlay ?? '' }))
      .filter((m) => m.fingerprint !== this.serving.get(m.scope)?.fingerprint)
      .map(({ scope, overlay }) => {
        // An organisation without a model of its own is served by the shared one: that is what it replaces.
        const replaced = this.serving.get(scope) ?? shared;
        return { scope, overlay, baseline: replaced.overlay, ...(replaced.score ? { baselineScore: replaced.score } : {}) };
      });
    const drop = [...this.serving.keys()].filter((scope) => scope !== SHARED_MODEL && !wanted.has(scope));
    const ids = new Set(taught.map((e) => e.id));
    if (models.length === 0 && drop.length === 0) {
      for (const s of this.serving.values()) s.overlayVersion = version;
      this.servedIds = ids;
      return undefined;
    }
    this.training = true;
    try {
      // Served by the NLU before it resolves, if accepted.
      const t = await this.nlu.retrain({ ...this.job, models, drop, guard });
      if (!t.accepted) {
        const refused = t.models.find((m) => m.baseline && flipped(m.baseline, m.candidate).length > 0)!;
        const refusal: Refusal = {
          ...(refused.scope === SHARED_MODEL ? {} : { org: refused.scope }),
          accuracyBefore: refused.baseline!.accuracy,
          accuracyAfter: refused.candidate.accuracy,
          confused: confusions(refused.baseline!, refused.candidate),
        };
        this.lastRefusal = { ...refusal, at: new Date().toISOString() };
        return refusal;
      }
      for (const scope of drop) this.serving.delete(scope);
      for (const m of t.models) {
        const overlay = wanted.get(m.scope)!;
        this.serving.set(m.scope, {
          version: m.key,
          overlayVersion: version,
          trainedAt: new Date().toISOString(),
          examples: m.examples,
          taught: overlay.length,
          fromCache: m.fromCache,
          trainingMs: Math.round(m.trainingMs),
          validationAccuracy: m.candidate.accuracy,
          overlay,
          fingerprint: overlayKey(overlay).overlay ?? '',
          score: m.candidate,
        });
      }
      for (const s of this.serving.values()) s.overlayVersion = version;
      this.servedIds = ids;
      return undefined;
    } finally {
      this.training = false;
    }
  }

  /**
   * Adds an example and waits for the models trained with it: refused when it contradicts an
   * example (of intents/ or taught), or when a model trained with it reads wrong a validation
   * message the serving one read right (it is then taken out again and the serving models stay).
   */
  async teach(lesson: Lesson): Promise<TeachOutcome> {
    const norm = normalize(lesson.text);
    const inBase = this.base.get(exampleKey({ lang: lesson.lang, norm }));
    if (inBase && inBase.intent !== lesson.intent) return { contradicts: { text: inBase.text, lang: inBase.lang, intent: inBase.intent, source: `intents/${inBase.intent}.yaml` } };
    const example: TaughtExample = { id: randomUUID(), text: lesson.text, norm, lang: lesson.lang, intent: lesson.intent, by: lesson.by, at: new Date().toISOString(), ...(lesson.org ? { org: lesson.org } : {}), ...(lesson.review ? { review: lesson.review } : {}) };
    const out = await this.repo.add(example);
    if ('conflict' in out) return { contradicts: { text: out.conflict.text, lang: out.conflict.lang, intent: out.conflict.intent, source: 'taught', id: out.conflict.id } };
    if ('existing' in out) return { added: out.existing, existing: true };
    const refusal = await this.sync(true);
    if (refusal && !this.servedIds.has(example.id)) {
      await this.repo.remove(example.id);
      await this.sync();
      return { refused: refusal };
    }
    return { added: out.added };
  }

  /** Undoes an example: the models are retrained without it (no guard rail: an undo goes back towards intents/). */
  async forget(id: string): Promise<TaughtExample | undefined> {
    const removed = await this.repo.remove(id);
    if (removed) await this.sync();
    return removed;
  }

  list(): Promise<TaughtExample[]> {
    return this.repo.list();
  }

  /**
   * Which review groups are settled for which organisations: taught for it (or for none, by an
   * admin) from the list or as the same text directly, or dismissed by its staff. Dismissals are
   * kept as `<org>:<group>` (`*:<group>` for a message of no organisation; a bare group id, from
   * before, counts for every organisation).
   * @returns whether a group is settled for an organisation (undefined: a message of none)
   */
  async settled(): Promise<(review: string, org: string | undefined) => boolean> {
    const [taught, dismissed] = await Promise.all([this.repo.list(), this.repo.dismissed()]);
    const done = new Set<string>(dismissed);
    for (const e of taught) for (const id of [reviewId(e.lang, e.text), ...(e.review ? [e.review] : [])]) done.add(e.org ? `${e.org}:${id}` : id);
    return (review, org) => done.has(review) || done.has(`${org ?? '*'}:${review}`);
  }

  /** Takes a review group off the review list of these organisations (none: a message of no organisation). */
  async dismiss(review: string, orgs: string[]): Promise<void> {
    for (const org of orgs.length ? orgs : ['*']) await this.repo.dismiss(`${org}:${review}`);
  }

  /**
   * The model that serves these organisations' conversations (with one organisation: its own, or
   * the shared one it uses), and the models of its organisations that have one of their own.
   * @param orgs the caller's organisations ('all': an admin's)
   */
  status(orgs: string[] | 'all' = 'all'): NluStatus {
    const mine = orgs === 'all' ? undefined : orgs;
    const model = (mine?.length === 1 && this.serving.get(mine[0])) || this.serving.get(SHARED_MODEL)!;
    const { overlay: _o, fingerprint: _f, score: _s, ...serving } = model;
    const organisations = [...this.serving]
      .filter(([scope]) => scope !== SHARED_MODEL && (!mine || mine.includes(scope)))
      .map(([org, s]) => ({ org, version: s.version, taught: s.taught, trainedAt: s.trainedAt }));
    const refusal = this.lastRefusal && (!mine || !this.lastRefusal.org || mine.includes(this.lastRefusal.org)) ? { lastRefusal: this.lastRefusal } : {};
    return { ...serving, training: this.training, organisations, ...refusal };
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.chain;
  }
}
