// The thread of NluTrainer (trainer.ts): reads intents/ and encodes the examples, hands the main
// thread the encoder and the features (for the language head), then trains the intent head and
// posts its weights.
import { parentPort, workerData } from 'node:worker_threads';
import { buffersOf } from './encoders/types.js';
import { encodeIntents, trainIntentHead } from './heads.js';

const encoded = encodeIntents(workerData.dir as string);
const { readAt, examples, texts, encoder, classes, features } = encoded;
parentPort!.postMessage({ readAt, examples, texts, encoder: encoder.toState(), classes, features }, buffersOf(features));
const trained = trainIntentHead(encoded).trained();
parentPort!.postMessage(trained, [trained.weights.buffer as ArrayBuffer]);
