import type { Worker } from 'node:worker_threads';
import { Pending, spawnWorker, type Answer } from '../../shared/worker.js';
import { EmbeddingBatcher, type BatchLimits } from './batcher.js';
import type { TransformersOptions } from './transformers.js';
import type { Features } from './types.js';

/** To the encoder thread: [id, texts] to embed, or the end. */
export type ToEncoder = [number, string[]] | { close: true };
/** From it: the batch's vectors (dim each, one after another), a failed batch, or its start. */
export type FromEncoder = Answer<Float32Array> | { ready: EncoderReady } | { failed: string };

/** What a thread posts once its model is loaded. */
export interface EncoderReady {
  name: string;
  dim: number;
  /** Changes when the model's weights do. */
  fingerprint: string;
}

/** The model to load, and how single messages are gathered into its runs. */
export type EncoderThreadOptions = TransformersOptions & { batch?: BatchLimits };

/** The defaults, measured on the 2-core VM with the full-size model (README, "Embedding model"). */
export const DEFAULT_BATCH: BatchLimits = { maxSize: 8, maxWaitMs: 2, maxQueue: 32 };

/** The first restart of a thread that died waits this long; each failed one doubles it, up to a minute. */
const RESTART_MS = 500;
const RESTART_MAX_MS = 60_000;

/** Starts a thread and loads the model there; rejects with TransformersEncoder.load()'s clear Error if it can't. */
async function startThread(options: TransformersOptions): Promise<{ worker: Worker; ready: EncoderReady }> {
  const worker = spawnWorker(new URL('./encoder-thread.ts', import.meta.url), { workerData: options });
  // Taken off once the thread is ready: the serving listeners are attach()'s.
  let listeners: [string, (...args: any[]) => void][] = [];
  const ready = await new Promise<EncoderReady>((resolve, reject) => {
    listeners = [
      ['message', (m: FromEncoder) => ('ready' in m ? resolve(m.ready) : reject(new Error('failed' in m ? m.failed : 'the embedding model did not start')))],
      ['error', reject],
      ['exit', (code: number) => reject(new Error(`the embedding model's thread exited (code ${code}) before it loaded the model`))],
    ];
    for (const [event, listener] of listeners) worker.once(event, listener);
  })
    .catch(async (err: Error) => {
      await worker.terminate();
      throw err;
    })
    .finally(() => listeners.forEach(([event, listener]) => worker.off(event, listener)));
  return { worker, ready };
}

/**
 * The embedding model (TransformersEncoder) on a thread of its own (encoder-thread.ts). An ONNX
 * run blocks its thread's event loop for its whole length (~25 ms for 8 messages on the full-size
 * model): here it blocks only the model's thread, and the thread that classifies (the NLU thread,
 * or the main one with NLU_THREAD=false) keeps answering, with the n-gram head alone past the
 * queue's bound. Batches are gathered on the calling side (EmbeddingBatcher), where that bound
 * is decided at once. A thread that dies (a native crash, memory) fails the runs it held and is
 * started again, the n-gram head answering alone meanwhile.
 */
export class EncoderThread {
  readonly name: string;
  readonly dim: number;
  readonly fingerprint: string;
  private readonly queue: EmbeddingBatcher;
  private readonly indices: number[];
  private readonly waiting = new Pending<Float32Array>('embedding failed');
  /** The serving thread; none while a new one starts after one that died. */
  private worker?: Worker;
  private closing = false;
  private restartMs = RESTART_MS;
  private restartTimer?: NodeJS.Timeout;
  /** Threads started again after one died. */
  restarts = 0;

  private constructor(
    private readonly options: TransformersOptions,
    worker: Worker,
    ready: EncoderReady,
    batch: BatchLimits,
  ) {
    this.name = ready.name;
    this.dim = ready.dim;
    this.fingerprint = ready.fingerprint;
    this.indices = Array.from({ length: this.dim }, (_, i) => i);
    this.queue = new EmbeddingBatcher((texts) => this.embedFlat(texts), batch);
    this.attach(worker);
  }

  /** Starts the thread and loads the model there; throws TransformersEncoder.load()'s clear Error if it can't. */
  static async load(opts: EncoderThreadOptions): Promise<EncoderThread> {
    const { batch, ...options } = opts;
    const { worker, ready } = await startThread(options);
    return new EncoderThread(options, worker, ready, batch ?? DEFAULT_BATCH);
  }

  private attach(worker: Worker): void {
    // Never what keeps a process alive: the NLU's close() ends it, a process's end ends it too.
    worker.unref();
    this.worker = worker;
    worker.on('message', (m: FromEncoder) => Array.isArray(m) && this.waiting.settle(m));
    const lost = (err: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.waiting.endAll(err);
      this.restart();
    };
    worker.once('error', lost);
    worker.once('exit', (code) => lost(new Error(`the embedding model's thread exited (code ${code})`)));
  }

  private restart(): void {
    if (this.closing) return;
    this.restartTimer = setTimeout(() => {
      startThread(this.options).then(
        ({ worker }) => {
          if (this.closing) return void worker.terminate();
          this.restarts++;
          this.restartMs = RESTART_MS;
          this.attach(worker);
        },
        () => {
          this.restartMs = Math.min(this.restartMs * 2, RESTART_MAX_MS);
          this.restart();
        },
      );
    }, this.restartMs);
    this.restartTimer.unref();
  }

  /** A second thread on the same model, for a first start's embedding of the training examples on both cores. */
  sibling(): Promise<EncoderThread> {
    return EncoderThread.load(this.options);
  }

  /** Whether a thread serves now (false between a thread's death and its successor's start). */
  get serving(): boolean {
    return this.worker !== undefined;
  }

  private embedFlat(texts: string[]): Promise<Float32Array[]> {
    if (!this.worker) return Promise.reject(new Error("the embedding model's thread is starting again"));
    const [id, embedded] = this.waiting.add();
    this.worker.postMessage([id, texts] satisfies ToEncoder);
    return embedded.then((flat) => texts.map((_, i) => flat.subarray(i * this.dim, (i + 1) * this.dim)));
  }

  /** The texts' features in runs of the thread's batch size (training: all examples at once). */
  async encodeBatch(texts: string[]): Promise<Features[]> {
    return (await this.embedFlat(texts)).map((v) => this.features(v));
  }

  /**
   * One message's features from the next batched run; undefined at once when the queue is full
   * or no thread serves: the caller then classifies without the embedding.
   */
  queued(text: string): Promise<Features> | undefined {
    if (!this.worker) return undefined;
    return this.queue.embed(text)?.then((v) => this.features(v));
  }

  private features(v: Float32Array): Features {
    return { indices: this.indices, values: Array.from(v) };
  }

  /**
   * Lets the thread free its ONNX session and end (up to 2 s), then ends it: terminating a thread
   * whose session is still open aborts the whole process from onnxruntime's native code.
   */
  async dispose(): Promise<void> {
    this.closing = true;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage({ close: true } satisfies ToEncoder);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
    clearTimeout(timer);
    await worker.terminate();
  }
}
