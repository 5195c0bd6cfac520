// The thread of NluTrainer (trainer.ts): reads intents/ and encodes the examples, hands the main
// thread what it needs to train the language head, then trains the intent head and posts its weights.
import { parentPort, workerData } from 'node:worker_threads';
import { normalize } from './normalize.js';
import { IntentModel } from './intent.js';
import { LinearSvm } from './svm.js';
import { buffersOf } from './encoders/types.js';
import { languageRows } from './marks.js';
import { loadExamples } from './training.js';

const examples = loadExamples(workerData.dir as string);
// When training began (a clock that threads share): the reading of intents/ is not training.
const readAt = performance.timeOrigin + performance.now();
const texts = examples.map((e) => normalize(e.text));
const { encoder, features, classes, targets } = IntentModel.encode(texts, examples.map((e) => e.intent), {}, examples.map((e) => e.lang));
// Language identification reads the features without stems (it runs before the language is known).
const plain = encoder.usesLanguage ? texts.map((t) => encoder.encode(t)) : features;
const language = languageRows(examples.map((e) => e.text), plain, encoder.dim);
parentPort!.postMessage(
  { readAt, examples, knownWords: [...new Set(texts.flatMap((t) => t.split(' ')))], encoder: encoder.toState(), classes, language },
  buffersOf(language),
);
const svm = new LinearSvm(classes, encoder.dim);
svm.train(features, targets);
const trained = svm.trained();
parentPort!.postMessage(trained, [trained.weights.buffer as ArrayBuffer]);
