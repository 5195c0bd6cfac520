import fs from 'node:fs';
import path from 'node:path';
import { loadExamples } from '../../src/nlu/training.js';
import { mulberry32, shuffle } from '../../src/nlu/linear.js';

export interface Labelled {
  text: string;
  intent: string;
  /** Set where examples of several languages train one model (intents/). */
  lang?: string;
}

/** One train/test split; a dataset is one or more (folds, or several corpora reported together). */
export interface Split {
  name: string;
  lang: string;
  train: Labelled[];
  test: Labelled[];
  /** The bot's own training data (intents/), rather than a foreign corpus. */
  own?: boolean;
}

/** NLU Evaluation Corpora: {"lang", "sentences": [{"text", "intent", "training"}]}. */
function fromSentences(name: string, json: { lang?: string; sentences: { text: string; intent: string; training: boolean }[] }): Split {
  const pick = (training: boolean) => json.sentences.filter((s) => s.training === training).map(({ text, intent }) => ({ text, intent }));
  return { name, lang: (json.lang ?? 'en').slice(0, 2), train: pick(true), test: pick(false) };
}

/** NLP.js corpus: {"locale", "data": [{"intent", "utterances", "tests"}]}. */
function fromNlpjs(name: string, json: { locale?: string; data: { intent: string; utterances: string[]; tests?: string[] }[] }): Split {
  return {
    name,
    lang: (json.locale ?? 'en').slice(0, 2),
    train: json.data.flatMap((d) => d.utterances.map((text) => ({ text, intent: d.intent }))),
    test: json.data.flatMap((d) => (d.tests ?? []).map((text) => ({ text, intent: d.intent }))),
  };
}

/** Each example's fold among k, stratified: an intent's examples are dealt to the folds in turn. */
function stratify(examples: Labelled[], k: number): Map<Labelled, number> {
  const fold = new Map<Labelled, number>();
  const seen = new Map<string, number>();
  for (const e of examples) {
    const n = seen.get(e.intent) ?? 0;
    seen.set(e.intent, n + 1);
    fold.set(e, n % k);
  }
  return fold;
}

/**
 * k stratified train/test folds of a training part (for choosing a pipeline without its test part);
 * each seed deals the examples to the folds in another order.
 */
export function innerFolds(examples: Labelled[], k: number, seed: number): { train: Labelled[]; test: Labelled[] }[] {
  const order = examples.map((_, i) => i);
  shuffle(order, order.length, mulberry32(seed));
  const fold = stratify(order.map((i) => examples[i]), k);
  return Array.from({ length: k }, (_, f) => ({ train: examples.filter((e) => fold.get(e) !== f), test: examples.filter((e) => fold.get(e) === f) }));
}

/** Stratified k folds of one language's examples of intents/, trained with every other example. */
function kFold(dir: string, k: number): Split[] {
  const all = loadExamples(dir);
  const splits: Split[] = [];
  for (const lang of [...new Set(all.map((e) => e.lang))]) {
    const fold = stratify(all.filter((x) => x.lang === lang), k);
    for (let f = 0; f < k; f++) {
      splits.push({
        name: `intents/${lang} fold ${f + 1}/${k}`,
        lang,
        own: true,
        train: all.filter((e) => fold.get(e) !== f),
        test: all.filter((e) => fold.get(e) === f),
      });
    }
  }
  return splits;
}

/** "intents" (or a folder of intent YAML files) gives k folds per language; JSON files give their own splits. */
export function loadSplits(target: string, k: number): Split[] {
  if (fs.existsSync(target) && fs.statSync(target).isDirectory()) return kFold(target, k);
  const json = JSON.parse(fs.readFileSync(target, 'utf8'));
  const name = path.basename(target, '.json');
  if (Array.isArray(json.sentences)) return [fromSentences(name, json)];
  if (Array.isArray(json.data)) return [fromNlpjs(name, json)];
  throw new Error(`${target}: neither NLU Evaluation Corpora ("sentences") nor NLP.js corpus ("data") format`);
}
