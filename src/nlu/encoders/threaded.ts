import type { Worker } from 'node:worker_threads';
import { Pending, spawnWorker, type Answer } from '../../shared/worker.js';
import { EmbeddingBatcher, type BatchLimits } from './batcher.js';
import type { TransformersOptions } from './transformers.js';
import type { Features } from './types.js';

/** To the encoder thread: [id, texts] to embed, or the end. */
export type ToEncoder = [number, string[]] | { close: true };
/** From it: the batch's vectors (dim each, one after another), a failed batch, or its start. */
export type FromEncoder = Answer<Float32Array> | { ready: { name: string; dim: number } } | { failed: string };

/** The model to load, and how single messages are gathered into its runs. */
export type EncoderThreadOptions = TransformersOptions & { batch?: BatchLimits };

/** The defaults, measured on the 2-core VM with the full-size model (README, "Embedding model"). */
export const DEFAULT_BATCH: BatchLimits = { maxSize: 8, maxWaitMs: 2, maxQueue: 32 };

/**
 * The embedding model (TransformersEncoder) on a thread of its own (encoder-thread.ts). An ONNX
 * run blocks its thread's event loop for its whole length (~25 ms for 8 messages on the full-size
 * model): here it blocks only the model's thread, and the thread that classifies (the NLU thread,
 * or the main one with NLU_THREAD=false) keeps answering, with the n-gram head alone past the
 * queue's bound. Batches are gathered on the calling side (EmbeddingBatcher), where that bound
 * is decided at once.
 */
export class EncoderThread {
  readonly name: string;
  readonly dim: number;
  private readonly queue: EmbeddingBatcher;
  private readonly indices: number[];
  private readonly waiting = new Pending<Float32Array>('embedding failed');
  private failed?: Error;

  private constructor(
    private readonly worker: Worker,
    ready: { name: string; dim: number },
    batch: BatchLimits,
  ) {
    // Never what keeps a process alive: the NLU's close() ends it, a process's end ends it too.
    worker.unref();
    this.name = ready.name;
    this.dim = ready.dim;
    this.indices = Array.from({ length: this.dim }, (_, i) => i);
    this.queue = new EmbeddingBatcher((texts) => this.embedFlat(texts), batch);
    worker.on('message', (m: FromEncoder) => Array.isArray(m) && this.waiting.settle(m));
    const lost = (err: Error) => {
      this.failed = err;
      this.waiting.endAll(err);
    };
    worker.once('error', lost);
    worker.once('exit', (code) => lost(new Error(`the embedding model's thread exited (code ${code})`)));
  }

  /** Starts the thread and loads the model there; throws TransformersEncoder.load()'s clear Error if it can't. */
  static async load(opts: EncoderThreadOptions): Promise<EncoderThread> {
    const { batch, ...options } = opts;
    const worker = spawnWorker(new URL('./encoder-thread.ts', import.meta.url), { workerData: options });
    const ready = await new Promise<{ name: string; dim: number }>((resolve, reject) => {
      worker.once('message', (m: FromEncoder) => ('ready' in m ? resolve(m.ready) : reject(new Error('failed' in m ? m.failed : 'the embedding model did not start'))));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the embedding model's thread exited (code ${code}) before it loaded the model`)));
    }).catch(async (err: Error) => {
      await worker.terminate();
      throw err;
    });
    return new EncoderThread(worker, ready, batch ?? DEFAULT_BATCH);
  }

  private embedFlat(texts: string[]): Promise<Float32Array[]> {
    if (this.failed) return Promise.reject(this.failed);
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
   * or the thread is gone: the caller then classifies without the embedding.
   */
  queued(text: string): Promise<Features> | undefined {
    if (this.failed) return undefined;
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
    if (this.failed) return;
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.postMessage({ close: true } satisfies ToEncoder);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
    clearTimeout(timer);
    await this.worker.terminate();
  }
}
