import type { Worker } from 'node:worker_threads';
import { batching, Pending, spawnWorker, type Answer } from '../shared/worker.js';
import type { KnowledgeBase, Lang } from '../knowledge/schema.js';
import type { NluLog, NluResult, NluService } from './types.js';
import type { NluSettings } from './settings.js';
import type { Trained, TrainJob } from './types.js';

/** What the thread posts once it serves. */
export interface ThreadReady {
  intents: string[];
  encoders: string[];
  trainingMs: number;
  /** What its start could not do (a missing embedding model). */
  warnings: string[];
}

/** A message to read: [id, text, hint, the conversation's organisation]. */
export type Reading = [number, string, Lang | undefined, string | undefined];


/** To the thread: messages to read (those of one turn of the event loop), the knowledge base, a retraining, or the end. */
export type ToThread = Reading[] | { kb: KnowledgeBase } | { retrain: TrainJob; id: number } | { close: true };

/** From the thread: readings, that it serves, or a retraining's outcome (the model stays there). */
export type FromThread = Answer<NluResult>[] | { ready: ThreadReady } | { retrained: Answer<Trained> };

/**
 * The NLU on a thread of its own (nlu-thread.ts): the main thread passes each message over and
 * gets its reading back, and spends its time on HTTP and the dialogue. The thread trains the model
 * (or loads it from the cache) as soon as it starts, while the main thread loads the server.
 * Should the thread die or stop answering, the messages it held fail and a new thread takes over
 * (from the cache).
 */
export class NluThread implements NluService {
  /** The thread; none while a new one is due (after one that died before it served). */
  private worker?: Worker;
  /** Whether the current thread has served (posted ready). */
  private serves = false;
  private readonly waiting = new Pending<NluResult>('NLU failed');
  /** The messages of this turn of the event loop, posted at its end. */
  private readonly readings = batching<Reading>((batch) => this.worker?.postMessage(batch satisfies ToThread));
  private kb?: KnowledgeBase;
  /** Retrainings under way in the thread, and their jobs: a thread started after one that died is given them again. */
  private readonly retrainings = new Pending<Trained, TrainJob>('the retraining failed');
  private readonly restarted: (() => void)[] = [];
  private info?: ThreadReady;
  private log: NluLog = { warn() {}, error() {} };
  private closing = false;
  /** When the serving thread last answered, or was last given a message while it had none to answer. */
  private lastProgress = 0;
  private readonly watchdog: NodeJS.Timeout;
  private started!: { resolve(info: ThreadReady): void; reject(err: Error): void };
  private readonly ready = new Promise<ThreadReady>((resolve, reject) => (this.started = { resolve, reject }));

  private constructor(
    private readonly settings: NluSettings,
    private readonly stuckAfterMs: number,
  ) {
    this.ready.catch(() => {}); // a start that fails is reported by serving()
    this.spawn();
    this.watchdog = setInterval(() => this.checkProgress(), Math.max(10, stuckAfterMs / 4)).unref();
  }

  /**
   * Starts the thread: it loads the cached model or trains one at once, and serves once
   * serving() gave it the knowledge base.
   * @param stuckAfterMs a serving thread that answers nothing for this long while messages wait is
   *   ended and replaced: a stuck NLU would otherwise hold every chat request while /health says ok.
   */
  static start(settings: NluSettings, { stuckAfterMs = 10_000 } = {}): NluThread {
    return new NluThread(settings, stuckAfterMs);
  }

  /** Hands over the knowledge base (for the entities); resolves once the thread serves, rejects if it cannot start. */
  async serving(kb: KnowledgeBase, log: NluLog): Promise<this> {
    this.log = log;
    this.useKnowledge(kb);
    const info = await this.ready;
    for (const w of info.warnings) log.warn(w);
    return this;
  }

  private spawn(): void {
    const worker = spawnWorker(new URL('./nlu-thread.ts', import.meta.url), { workerData: this.settings });
    worker.on('message', (m: FromThread) => this.receive(m));
    worker.once('error', (err) => this.lost(worker, err));
    worker.once('exit', (code) => this.lost(worker, new Error(`the NLU thread exited (code ${code})`)));
    if (this.kb) worker.postMessage({ kb: this.kb } satisfies ToThread);
    for (const [id, job] of this.retrainings.asked()) worker.postMessage({ retrain: job, id } satisfies ToThread);
    this.worker = worker;
    this.serves = false;
  }

  private receive(m: FromThread): void {
    if ('retrained' in m) return this.retrainings.settle(m.retrained);
    if ('ready' in m) {
      this.serves = true;
      this.lastProgress = performance.now();
      this.info ??= m.ready;
      this.started.resolve(this.info);
      return;
    }
    this.lastProgress = performance.now();
    for (const answer of m) this.waiting.settle(answer);
  }

  /**
   * The thread died: the messages it held fail (a retraining under way goes to the next thread).
   * The first thread's death fails the start; a thread that served is replaced at once; a replacement that died before it served, after 5 s (meanwhile
   * messages fail at once rather than pile up).
   */
  private lost(worker: Worker, err: Error): void {
    if (worker !== this.worker || this.closing) return;
    this.worker = undefined;
    this.waiting.endAll(err);
    this.readings.drop();
    if (!this.info) return this.started.reject(err);
    this.log.error(`the NLU thread stopped (${err.message}); starting a new one`);
    const again = () => {
      this.spawn();
      for (const listener of this.restarted) listener();
    };
    if (this.serves) again();
    else setTimeout(() => this.closing || again(), 5000).unref();
  }

  /** Ends a serving thread that has answered nothing for stuckAfterMs while messages wait (lost() replaces it). */
  private checkProgress(): void {
    if (!this.worker || !this.serves || this.waiting.size === 0) return;
    const silent = performance.now() - this.lastProgress;
    if (silent < this.stuckAfterMs) return;
    this.log.error(`the NLU thread answered nothing for ${Math.round(silent)} ms with ${this.waiting.size} messages waiting: ending it`);
    void this.worker.terminate();
  }

  analyse(text: string, hint?: Lang, org?: string): Promise<NluResult> {
    if (!this.worker) return Promise.reject(new Error('the NLU thread is restarting'));
    if (this.waiting.size === 0) this.lastProgress = performance.now();
    const [id, result] = this.waiting.add();
    this.readings.add([id, text, hint, org]);
    return result;
  }

  useKnowledge(kb: KnowledgeBase): void {
    this.kb = kb;
    this.worker?.postMessage({ kb } satisfies ToThread);
  }

  /**
   * The thread retrains (on a thread of its own that it starts) and serves the model if it is
   * accepted: the main thread never copies the model's megabytes (which held the chat requests for ~100 ms).
   */
  retrain(job: TrainJob): Promise<Trained> {
    const [id, trained] = this.retrainings.add(job);
    this.worker?.postMessage({ retrain: job, id } satisfies ToThread); // none now: the next thread is given it
    return trained;
  }

  /** Called when a new thread replaced one that died: it starts on intents/ alone, without the model a retraining served. */
  onRestart(listener: () => void): void {
    this.restarted.push(listener);
  }

  get intents(): string[] {
    return this.info?.intents ?? [];
  }

  get encoders(): string[] {
    return this.info?.encoders ?? [];
  }

  get trainingMs(): number {
    return this.info?.trainingMs ?? 0;
  }

  /** Lets the thread finish writing the model cache (up to 5 s), then ends it. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.watchdog);
    this.retrainings.endAll(new Error('the NLU is closing'));
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage({ close: true } satisfies ToThread);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    await worker.terminate();
  }
}
