// The retraining thread (retrain.ts): trains the model of intents/ plus the overlay away from the
// threads that serve, scores it and posts the result; it waits for the next job (starting a thread
// costs about a second of module loading) until retrain.ts ends it.
import { parentPort, type MessagePort } from 'node:worker_threads';
import { train, type TrainJob } from './trainer.js';
import { asBytes } from './state.js';

export interface TrainRequest {
  id: number;
  job: TrainJob;
  /** Where an accepted model goes: straight to the NLU thread. */
  port?: MessagePort;
}

parentPort!.on('message', ({ id, job, port }: TrainRequest) => {
  try {
    const { trained, save } = train(job);
    if (port && trained.accepted) {
      const { state, transfer } = asBytes(trained.state);
      port.postMessage({ model: state }, transfer);
      delete trained.state;
    }
    port?.close();
    parentPort!.postMessage({ id, trained });
    if (trained.accepted) save();
  } catch (err) {
    port?.close();
    parentPort!.postMessage({ id, error: (err as Error).message });
  }
});
