import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { NgramEncoder, type NgramState } from './encoders/ngram.js';
import type { SparseRows } from './encoders/types.js';
import { LinearSvm } from './svm.js';
import type { Example } from './training.js';

/** What the training thread hands over once it has read and encoded intents/. */
export interface Encoded {
  /** When the thread had read intents/ (performance.timeOrigin + performance.now()). */
  readAt: number;
  examples: Example[];
  /** The examples' texts, normalised. */
  texts: string[];
  encoder: NgramEncoder;
  /** The intents, in the order of the intent head's outputs. */
  classes: string[];
  /** The examples' features without stems, as one matrix (for the language head). */
  features: SparseRows;
}

/**
 * Training from intents/ on a thread of its own, started as early as possible (src/main.ts starts
 * it before the server's modules load). The thread reads and encodes the examples and hands them
 * over (`encoded`), then trains the intent head (`intentHead`) while this thread trains the
 * language head.
 * The bundle has the thread as dist/trainer-worker.js; from the sources (tests, tsx),
 * trainer-worker.ts runs through tsx.
 */
export class NluTrainer {
  readonly encoded: Promise<Encoded>;
  readonly intentHead: Promise<LinearSvm>;
  private readonly worker: Worker;

  constructor(dir: string) {
    const bundled = new URL('./trainer-worker.js', import.meta.url);
    this.worker = new Worker(fs.existsSync(bundled) ? bundled : new URL('./trainer-worker-from-source.mjs', import.meta.url), {
      workerData: { dir },
    });
    const messages: ((message: unknown) => void)[] = [];
    const failed = new Promise<never>((_, reject) => {
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => reject(new Error(`the NLU training thread exited (code ${code}) before it finished`)));
    });
    const next = () => Promise.race([new Promise((resolve) => messages.push(resolve)), failed]);
    this.worker.on('message', (message) => messages.shift()?.(message));
    this.encoded = next().then((m) => {
      const message = m as Omit<Encoded, 'encoder'> & { encoder: NgramState };
      return { ...message, encoder: NgramEncoder.fromState(message.encoder) };
    });
    const trained = next();
    this.intentHead = Promise.all([this.encoded, trained]).then(([e, t]) => LinearSvm.fromTrained(e.classes, e.encoder.dim, t as ReturnType<LinearSvm['trained']>));
    // Whoever does not wait for the results (a start that fails) is not warned about them.
    this.encoded.catch(() => {});
    this.intentHead.catch(() => {});
  }

  /** Ends the thread (a cached model made its work unnecessary). */
  stop(): void {
    void this.worker.terminate();
  }
}
