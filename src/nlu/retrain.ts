import type { Worker } from 'node:worker_threads';
import { Pending, spawnWorker, type Answer } from '../shared/worker.js';
import type { Trained, TrainJob } from './types.js';
import type { TrainRequest } from './trainer-thread.js';

/** An idle retraining thread ends after this long (it holds some 50 MB). */
const IDLE_MS = 60_000;

let trainer: { worker: Worker; waiting: Pending<Trained>; idle?: NodeJS.Timeout } | undefined;

function thread(): NonNullable<typeof trainer> {
  if (trainer) return trainer;
  const worker = spawnWorker(new URL('./trainer-thread.ts', import.meta.url));
  const t = { worker, waiting: new Pending<Trained>('the retraining failed'), idle: undefined as NodeJS.Timeout | undefined };
  worker.unref(); // an idle trainer never keeps the process alive
  worker.on('message', (answer: Answer<Trained>) => {
    t.waiting.settle(answer);
    if (t.waiting.size === 0) t.idle = setTimeout(() => void worker.terminate(), IDLE_MS).unref();
  });
  const lost = (err: Error) => {
    if (trainer === t) trainer = undefined;
    t.waiting.endAll(err);
  };
  worker.once('error', lost);
  worker.once('exit', (code) => lost(new Error(`the retraining thread exited (code ${code})`)));
  return (trainer = t);
}

/**
 * Trains on a thread of its own (trainer-thread.ts), so that the NLU keeps answering meanwhile:
 * neither the main thread nor the NLU thread spends a millisecond of the training.
 */
export function trainInBackground(job: TrainJob): Promise<Trained> {
  const t = thread();
  clearTimeout(t.idle);
  const [id, trained] = t.waiting.add();
  t.worker.postMessage([id, job] satisfies TrainRequest);
  return trained;
}
