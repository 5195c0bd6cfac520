import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread on `source` (a TypeScript module's URL). The bundle has every worker as an entry
 * of its own named like its source file (scripts/build.mjs: src/nlu/nlu-thread.ts is
 * dist/nlu-thread.js), which runs when it is there; from the sources (tests, tsx scripts) one shim
 * registers tsx in the new thread and imports the source.
 */
export function spawnWorker(source: URL, options: WorkerOptions = {}): Worker {
  const bundled = new URL(`./${path.basename(fileURLToPath(source), '.ts')}.js`, import.meta.url);
  if (fs.existsSync(bundled)) return new Worker(bundled, options);
  return new Worker(new URL('./worker-from-source.mjs', import.meta.url), { ...options, argv: [...(options.argv ?? []), source.href] });
}

/**
 * Collects what is sent during one turn of the event loop and posts it as one array at its end:
 * each postMessage wakes the other thread, and one per chat message took 10% of the main thread.
 * @param post receives the batch (never empty)
 */
export function batching<T>(post: (batch: T[]) => void): { add(item: T): void; drop(): void } {
  let batch: T[] = [];
  const flush = () => {
    const sent = batch;
    batch = [];
    if (sent.length) post(sent);
  };
  return {
    add: (item) => void (batch.push(item) === 1 && setImmediate(flush)),
    drop: () => void (batch = []),
  };
}

/** A thread's answer to the call of that id: its value, or none and why. */
export type Answer<T> = [number, T] | [number, null, string];

/**
 * The calls posted to a thread that wait for its answer, by id, each with what it asked (`Asked`,
 * when a thread started after one that died is to be asked again).
 */
export class Pending<T, Asked = void> {
  private readonly calls = new Map<number, { asked: Asked; resolve(value: T): void; reject(err: Error): void }>();
  private next = 0;

  /** @param failure what an answer without a value is reported as, before its reason ("NLU failed") */
  constructor(private readonly failure: string) {}

  get size(): number {
    return this.calls.size;
  }

  /** A new call: its id, to post, and the promise its answer settles. */
  add(asked: Asked): [number, Promise<T>] {
    const id = this.next++;
    return [id, new Promise<T>((resolve, reject) => this.calls.set(id, { asked, resolve, reject }))];
  }

  /** The calls waiting, by id, and what each asked. */
  asked(): [number, Asked][] {
    return [...this.calls].map(([id, call]) => [id, call.asked]);
  }

  /** Settles a call with the thread's answer (an answer to an unknown or failed call is ignored). */
  settle([id, value, reason]: Answer<T>): void {
    const call = this.calls.get(id);
    if (!call) return;
    this.calls.delete(id);
    if (value === null) call.reject(new Error(`${this.failure}: ${reason}`));
    else call.resolve(value);
  }

  /** The thread is gone: every call waiting fails with `err`. */
  endAll(err: Error): void {
    for (const call of this.calls.values()) call.reject(err);
    this.calls.clear();
  }
}
