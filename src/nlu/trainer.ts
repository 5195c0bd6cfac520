import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { NgramEncoder, type NgramState } from './encoders/ngram.js';
import { LinearSvm, type Trained } from './svm.js';
import { trainLanguageHead, type Encoded, type Training } from './heads.js';
import type { LanguageIdentifier } from './language.js';
import type { Lang } from '../knowledge/schema.js';

/**
 * Training from intents/ with a thread of its own: the thread reads and encodes the examples and
 * hands them over (`encoded`), then trains the intent head (`intentHead`) while this thread
 * trains the language head (`languageHead`).
 * The bundle has the thread as dist/trainer-worker.js; from the sources (tests, tsx),
 * trainer-worker.ts runs through tsx.
 */
export class NluTrainer implements Training {
  readonly encoded: Promise<Encoded>;
  readonly intentHead: Promise<LinearSvm>;
  readonly languageHead: Promise<LanguageIdentifier>;
  private readonly worker: Worker;

  constructor(dir: string, langs: Lang[]) {
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
    this.languageHead = this.encoded.then((e) => trainLanguageHead(e.examples, e.features, e.encoder.dim, langs));
    const trained = next();
    this.intentHead = Promise.all([this.encoded, trained]).then(([e, t]) => LinearSvm.fromTrained(e.classes, e.encoder.dim, t as Trained));
    // Whoever does not wait for the results (a start that fails) is not warned about them.
    this.encoded.catch(() => {});
    this.intentHead.catch(() => {});
    this.languageHead.catch(() => {});
  }
}
