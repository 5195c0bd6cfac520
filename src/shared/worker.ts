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

/** The calls posted to a thread that wait for its answer, by id. */
export class Pending<T> {
  private readonly calls = new Map<number, { resolve(value: T): void; reject(err: Error): void }>();
  private next = 0;

  get size(): number {
    return this.calls.size;
  }

  /** A new call: its id, to post, and the promise its answer settles. */
  add(): [number, Promise<T>] {
    const id = this.next++;
    return [id, new Promise<T>((resolve, reject) => this.calls.set(id, { resolve, reject }))];
  }

  /** Settles the call `id` (an answer to an unknown or failed call is ignored). */
  settle(id: number, value: T | null, error?: Error): void {
    const call = this.calls.get(id);
    if (!call) return;
    this.calls.delete(id);
    if (error) call.reject(error);
    else call.resolve(value!);
  }

  /** The thread is gone: every call waiting fails with `err` (or, given no error, gets `value`). */
  endAll(err: Error | null, value?: T): void {
    for (const call of this.calls.values()) {
      if (err) call.reject(err);
      else call.resolve(value!);
    }
    this.calls.clear();
  }
}
