import type { MessagePort } from 'node:worker_threads';
import { spawnWorker } from '../shared/worker.js';
import type { Trained, TrainJob } from './trainer.js';

/**
 * Trains on a thread of its own (trainer-thread.ts), so that the NLU keeps answering meanwhile:
 * neither the main thread nor the NLU thread spends a millisecond of the training.
 */
export function trainInBackground(job: TrainJob, port?: MessagePort): Promise<Trained> {
  return new Promise((resolve, reject) => {
    const workerData = port ? { ...job, port } : job;
    const worker = spawnWorker(new URL('./trainer-thread.ts', import.meta.url), { workerData, transferList: port ? [port] : [] });
    worker.once('message', (m: { trained: Trained } | { error: string }) => {
      if ('trained' in m) resolve(m.trained);
      else reject(new Error(`the retraining failed: ${m.error}`));
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the retraining thread exited (code ${code})`)));
  });
}
