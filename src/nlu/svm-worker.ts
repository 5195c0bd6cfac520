// The thread of SvmWorker: trains on the examples it is sent and posts the weights back (moved, not copied).
import { parentPort } from 'node:worker_threads';
import { LinearSvm } from './svm.js';

parentPort!.once('message', ({ labels, dim, samples, targets, options }) => {
  const svm = new LinearSvm(labels, dim);
  svm.train(samples, targets, options);
  const trained = svm.trained();
  parentPort!.postMessage(trained, [trained.weights.buffer as ArrayBuffer]);
});
