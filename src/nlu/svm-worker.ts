// The worker thread of LinearSvm.trainInWorker: trains and posts the weights back (moved, not copied).
import { parentPort, workerData } from 'node:worker_threads';
import { LinearSvm } from './svm.js';

const { labels, dim, samples, targets, options } = workerData;
const svm = new LinearSvm(labels, dim);
svm.train(samples, targets, options);
const trained = svm.trained();
parentPort!.postMessage(trained, [trained.weights.buffer as ArrayBuffer]);
