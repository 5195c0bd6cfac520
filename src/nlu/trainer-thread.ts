// A retraining's thread (retrain.ts): trains the model of intents/ plus the overlay away from the
// threads that serve, scores it, posts the result and ends.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { train, type TrainJob } from './trainer.js';

try {
  const { port, ...job } = workerData as TrainJob & { port?: MessagePort };
  const trained = train(job);
  // An accepted model goes straight to the NLU thread when it gave a port; the result without it here.
  if (port && trained.accepted) {
    port.postMessage({ model: trained.state });
    delete trained.state;
  }
  port?.close();
  parentPort!.postMessage({ trained });
} catch (err) {
  parentPort!.postMessage({ error: (err as Error).message });
}
