// The thread of NluTrainer (trainer.ts): reads intents/ and encodes the examples, hands the main
// thread the encoder and the features (for the language head), then trains the intent head and
// posts its weights.
import { parentPort, workerData } from 'node:worker_threads';
import { normalize } from './normalize.js';
import { IntentModel } from './intent.js';
import { LinearSvm } from './svm.js';
import { buffersOf, toRows } from './encoders/types.js';
import { loadExamples } from './training.js';

const examples = loadExamples(workerData.dir as string);
// When training began (a clock that threads share): the reading of intents/ is not training.
const readAt = performance.timeOrigin + performance.now();
const texts = examples.map((e) => normalize(e.text));
const { encoder, features, classes, targets } = IntentModel.encode(texts, examples.map((e) => e.intent), {}, examples.map((e) => e.lang));
const rows = toRows(features);
// Language identification reads the features without stems (it runs before the language is known).
const plain = encoder.usesLanguage ? toRows(texts.map((t) => encoder.encode(t))) : { start: rows.start.slice(), col: rows.col.slice(), val: rows.val.slice() };
parentPort!.postMessage({ readAt, examples, texts, encoder: encoder.toState(), classes, features: plain }, buffersOf(plain));
const svm = new LinearSvm(classes, encoder.dim);
svm.train(rows, targets);
const trained = svm.trained();
parentPort!.postMessage(trained, [trained.weights.buffer as ArrayBuffer]);
