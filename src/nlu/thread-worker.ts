// The thread of NluThread (thread.ts): starts the NLU (loading the cached model, or training it
// with the main thread's help), waits for the knowledge base, then reads the messages the main
// thread passes it.
import { parentPort, workerData } from 'node:worker_threads';
import type { KnowledgeBase, Lang } from '../knowledge/schema.js';
import type { Nlu } from './index.js';
import { LinearSvm, type Trained } from './svm.js';
import { buffersOf } from './encoders/types.js';
import { encodeIntents, trainLanguageHead, type Training } from './heads.js';
import type { NluSettings } from './settings.js';
import { startNlu } from './start.js';
import type { FromThread, ToThread, ThreadReply } from './thread.js';

const port = parentPort!;
const settings = workerData as NluSettings;
let knowledge!: (kb: KnowledgeBase) => void;
const firstKb = new Promise<KnowledgeBase>((resolve) => (knowledge = resolve));
let gotKb = false;
let intentHead: { resolve(trained: Trained): void; reject(err: Error): void } | undefined;
const warnings: string[] = [];

/**
 * Training without a third thread: this one encodes intents/, trains the language head and loads
 * fastText, while the main thread (idle until the NLU serves) trains the intent head on the
 * features it is sent.
 */
function train(dir: string, langs: Lang[]): Training {
  const encoded = encodeIntents(dir);
  const { rows, targets, classes, dim, examples, features } = encoded;
  const intent = new Promise<Trained>((resolve, reject) => (intentHead = { resolve, reject }));
  port.postMessage({ train: { rows, targets, classes, dim } } satisfies FromThread, buffersOf(rows));
  return {
    encoded: Promise.resolve(encoded),
    intentHead: intent.then((trained) => LinearSvm.fromTrained(classes, dim, trained)),
    languageHead: Promise.resolve(trainLanguageHead(examples, features, dim, langs)),
  };
}

const starting = startNlu(settings, firstKb, { warn: (msg) => warnings.push(msg) }, train);
let nlu: Nlu | undefined;

const read = (n: Nlu, [id, text, hint]: [number, string, Lang | undefined]) =>
  n.analyse(text, hint).then(
    (result) => port.postMessage([id, result] satisfies ThreadReply),
    (err: Error) => port.postMessage([id, null, err.message] satisfies ThreadReply),
  );

port.on('message', (m: ToThread) => {
  if (Array.isArray(m)) {
    if (nlu) read(nlu, m);
    else void starting.then((n) => read(n, m));
  } else if ('kb' in m) {
    if (!gotKb) knowledge(m.kb);
    else if (nlu) nlu.useKnowledge(m.kb);
    else void starting.then((n) => n.useKnowledge(m.kb));
    gotKb = true;
  } else if ('close' in m) void (nlu ? nlu.close() : Promise.resolve()).finally(() => process.exit(0));
  else if ('intent' in m) intentHead?.resolve(m.intent);
  else intentHead?.reject(new Error(`the intent head's training failed: ${m.trainingError}`));
});

nlu = await starting;
port.postMessage({ ready: { intents: nlu.intents, encoders: nlu.encoders, trainingMs: nlu.trainingMs, warnings } } satisfies FromThread);
