// The thread of NluThread (thread.ts): starts the NLU (loading the cached model, or training it),
// waits for the knowledge base, then reads the messages the main thread passes it.
import { parentPort, workerData } from 'node:worker_threads';
import type { KnowledgeBase } from '../knowledge/schema.js';
import { Nlu } from './nlu.js';
import type { NluSettings } from './settings.js';
import { batching, type Answer } from '../shared/worker.js';
import type { FromThread, Reading, ToThread } from './thread.js';
import type { NluResult } from './types.js';

const port = parentPort!;
let knowledge!: (kb: KnowledgeBase) => void;
const firstKb = new Promise<KnowledgeBase>((resolve) => (knowledge = resolve));
let gotKb = false;
const warnings: string[] = [];

const starting = Nlu.start(workerData as NluSettings, firstKb, { warn: (msg) => warnings.push(msg) });
let nlu: Nlu | undefined;

const replies = batching<Answer<NluResult>>((batch) => port.postMessage(batch satisfies FromThread));
const read = (n: Nlu, [id, text, hint, org]: Reading) =>
  n.analyse(text, hint, org).then(
    (result) => replies.add([id, result]),
    (err: Error) => replies.add([id, null, err.message]),
  );

port.on('message', (m: ToThread) => {
  if (Array.isArray(m)) {
    for (const reading of m) {
      if (nlu) void read(nlu, reading);
      else void starting.then((n) => read(n, reading));
    }
  } else if ('retrain' in m) {
    void starting.then((n) => n.retrain(m.retrain)).then(
      (trained) => port.postMessage({ retrained: [m.id, trained] } satisfies FromThread),
      (err: Error) => port.postMessage({ retrained: [m.id, null, err.message] } satisfies FromThread),
    );
  } else if ('kb' in m) {
    if (!gotKb) knowledge(m.kb);
    else if (nlu) nlu.useKnowledge(m.kb);
    else void starting.then((n) => n.useKnowledge(m.kb));
    gotKb = true;
  } else void (nlu ? nlu.close() : Promise.resolve()).finally(() => process.exit(0));
});

nlu = await starting;
port.postMessage({ ready: { intents: nlu.intents, encoders: nlu.encoders, trainingMs: nlu.trainingMs, warnings } } satisfies FromThread);
