// A retraining's thread (retrain.ts): trains the model of intents/ plus the overlay away from the
// threads that serve, scores it, posts the result and ends.
import { parentPort, workerData } from 'node:worker_threads';
import { train, type TrainJob } from './trainer.js';

try {
  parentPort!.postMessage({ trained: train(workerData as TrainJob) });
} catch (err) {
  parentPort!.postMessage({ error: (err as Error).message });
}
