// The retraining thread (retrain.ts): trains the model of intents/ plus the overlay away from the
// threads that serve, scores it and posts the result; it waits for the next job (starting a thread
// costs about a second of module loading) until retrain.ts ends it.
import { parentPort } from 'node:worker_threads';
import { train } from './trainer.js';
import type { Trained, TrainJob } from './types.js';
import { asBytes } from './state.js';
import type { Answer } from '../shared/worker.js';

/** A retraining to do: [id, job]. */
export type TrainRequest = [number, TrainJob];

parentPort!.on('message', ([id, job]: TrainRequest) => {
  try {
    const { trained, save } = train(job);
    // Accepted models' arrays go over as bytes, moved rather than copied (asBytes()); refused ones stay here.
    const { state: states, transfer } = trained.accepted ? asBytes(trained.states) : { state: undefined, transfer: [] };
    parentPort!.postMessage([id, { ...trained, states }] satisfies Answer<Trained>, transfer);
    if (trained.accepted) save();
  } catch (err) {
    parentPort!.postMessage([id, null, (err as Error).message] satisfies Answer<Trained>);
  }
});
