/**
 * npm run nlu:eval [-- <intents dir | corpus.json ...>] [--json] [--k 5] [--no-nlpjs] [--model [id]]
 * Trains on each split's training part, evaluates its test part, and runs NLP.js on the same splits.
 * --model adds the bot with the embedding model (NLU_MODEL by default, from MODELS_DIR): its
 * head alone and its vote with the n-gram head, as the bot serves it.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, loadConfig } from '../src/config.js';
import { trainDenseHead, vote } from '../src/nlu/dense.js';
import { argmax } from '../src/nlu/linear.js';
import { classifierText } from '../src/nlu/contacts.js';
import { EvalEmbedder } from './eval/dense.js';
import { loadSplits, innerFolds, type Labelled, type Split } from './eval/datasets.js';
import { PIPELINES, trainPipeline, type Pipeline } from './eval/pipelines.js';
import { report, type Outcome, type Report } from './eval/metrics.js';

interface EngineResult extends Report {
  engine: string;
  /** The pipeline chosen by cross-validation on each split's training part. */
  pipelines?: string[];
  trainingMs: number;
  microsPerQuery: number;
}

interface Engine {
  name: string;
  /** `pipeline`: the one chosen for a foreign corpus, if the engine chooses. */
  run(split: Split): Promise<{ outcomes: Outcome[]; trainingMs: number; queryMs: number; pipeline?: string }>;
}

// The bot's own data (several languages) runs the first pipeline, which stems nothing: `lang` only picks a foreign corpus's stemmer.
const train = (examples: Labelled[], lang: string, pipeline: Pipeline) =>
  trainPipeline(examples.map((e) => e.text), examples.map((e) => e.intent), lang, pipeline);

const selected = new Map<Split, Pipeline>();

/** The pipeline with the best accuracy in 5-fold cross-validation, repeated 3 times, on the training part alone (chosen once per split). */
function selectPipeline(split: Split): Pipeline {
  const known = selected.get(split);
  if (known) return known;
  let best = PIPELINES[0];
  let bestCorrect = -1;
  for (const pipeline of PIPELINES) {
    let correct = 0;
    for (const fold of [1, 2, 3].flatMap((seed) => innerFolds(split.train, 5, seed))) {
      const model = train(fold.train, split.lang, pipeline);
      correct += fold.test.filter((e) => model.predict(e.text).intent === e.intent).length;
    }
    if (correct > bestCorrect) [best, bestCorrect] = [pipeline, correct];
  }
  selected.set(split, best);
  return best;
}

const bot: Engine = {
  name: 'this bot (ngram)',
  async run(split) {
    // intents/ is the bot's own data: its own pipeline, as in production.
    const pipeline = split.own ? PIPELINES[0] : selectPipeline(split);
    const t0 = performance.now();
    const model = train(split.train, split.lang, pipeline);
    const trainingMs = performance.now() - t0;
    const t1 = performance.now();
    const outcomes = split.test.map((e) => ({ expected: e.intent, predicted: model.predict(e.text).intent }));
    return { outcomes, trainingMs, queryMs: performance.now() - t1, ...(split.own ? {} : { pipeline: pipeline.name }) };
  },
};

/**
 * The bot with the embedding model: the n-gram head (chosen as `bot` chooses it) and the head over
 * the model's embeddings, trained on the same part; `alone`: the embedding head's own answer.
 */
function withModel(embedder: EvalEmbedder, alone: boolean): Engine {
  return {
    name: alone ? `${embedder.name.split('/').at(-1)} head` : `ngram + ${embedder.name.split('/').at(-1)}`,
    async run(split) {
      const pipeline = split.own ? PIPELINES[0] : selectPipeline(split);
      const t0 = performance.now();
      const model = train(split.train, split.lang, pipeline);
      const head = trainDenseHead(model.intents, await embedder.features(split.train.map((e) => e.text)), split.train.map((e) => e.intent));
      const trainingMs = performance.now() - t0;
      const t1 = performance.now();
      const test = await embedder.features(split.test.map((e) => e.text));
      const outcomes = split.test.map((e, i) => {
        const dense = head.predict(test[i]);
        const probs = alone ? dense : vote(dense, model.probabilities(model.features(classifierText(e.text))));
        return { expected: e.intent, predicted: model.intents[argmax(probs)] };
      });
      return { outcomes, trainingMs, queryMs: performance.now() - t1, ...(split.own ? {} : { pipeline: pipeline.name }) };
    },
  };
}

const nlpjs: Engine = {
  name: 'NLP.js 4',
  async run(split) {
    const { NlpManager } = createRequire(import.meta.url)('node-nlp');
    const manager = new NlpManager({ languages: [split.lang], nlu: { log: false }, autoSave: false, autoLoad: false });
    for (const e of split.train) manager.addDocument(split.lang, e.text, e.intent);
    const t0 = performance.now();
    await manager.train();
    const trainingMs = performance.now() - t0;
    const outcomes: Outcome[] = [];
    const t1 = performance.now();
    for (const e of split.test) {
      const r = await manager.process(split.lang, e.text);
      outcomes.push({ expected: e.intent, predicted: r.intent ?? 'None' });
    }
    return { outcomes, trainingMs, queryMs: performance.now() - t1 };
  },
};

interface SplitRun {
  split: Split;
  outcomes: Outcome[];
  trainingMs: number;
  queryMs: number;
  pipeline?: string;
}

/** An engine's figures over some of its runs (all of them, or one language's). */
function summarise(engine: Engine, runs: SplitRun[]): EngineResult {
  const outcomes = runs.flatMap((r) => r.outcomes);
  const pipelines = new Set(runs.filter((r) => r.pipeline).map((r) => `${r.split.name}: ${r.pipeline}`));
  return {
    engine: engine.name,
    ...(pipelines.size ? { pipelines: [...pipelines] } : {}),
    ...report(outcomes),
    trainingMs: runs.reduce((a, r) => a + r.trainingMs, 0) / runs.length,
    microsPerQuery: (runs.reduce((a, r) => a + r.queryMs, 0) * 1000) / outcomes.length,
  };
}

async function runAll(engine: Engine, splits: Split[]): Promise<SplitRun[]> {
  const runs: SplitRun[] = [];
  for (const split of splits) runs.push({ split, ...(await engine.run(split)) });
  return runs;
}

function parseArgs(argv: string[]) {
  const targets: string[] = [];
  let json = false;
  let k = 5;
  let withNlpjs = true;
  let model: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--json') json = true;
    else if (argv[i] === '--model') model = argv[i + 1] && !argv[i + 1].startsWith('--') && !argv[i + 1].endsWith('.json') && !/intents\/?$/.test(argv[i + 1]) ? argv[++i] : loadConfig().NLU_MODEL;
    else if (argv[i] === '--no-nlpjs') withNlpjs = false;
    else if (argv[i] === '--k') k = Number(argv[++i]);
    else targets.push(argv[i]);
  }
  return { targets: targets.length ? targets : [path.join(ROOT, 'intents')], json, k, withNlpjs, model };
}

const pct = (x: number) => (100 * x).toFixed(1).padStart(5);

function print(name: string, results: EngineResult[], byLang?: Record<string, EngineResult[]>): void {
  console.log(`\n== ${name}`);
  console.log('engine'.padEnd(34), 'accuracy', ' train ms', '  µs/query');
  for (const r of results) {
    console.log(r.engine.padEnd(34), `${pct(r.accuracy)}%  `, r.trainingMs.toFixed(0).padStart(8), r.microsPerQuery.toFixed(0).padStart(10));
  }
  for (const [lang, rs] of Object.entries(byLang ?? {})) {
    console.log(`  ${lang}:`, rs.map((r) => `${r.engine} ${pct(r.accuracy)}%`).join('   '));
  }
  const ours = results[0];
  if (ours.pipelines) console.log(`\npipeline chosen by cross-validation on the training part: ${ours.pipelines.join('; ')}`);
  console.log(`\nper intent (${ours.engine}):`);
  for (const [intent, m] of Object.entries(ours.perIntent)) {
    console.log(`  ${intent.padEnd(28)} P ${pct(m.precision)}  R ${pct(m.recall)}  F1 ${pct(m.f1)}  n=${m.support}`);
  }
  console.log('most confused (expected -> predicted):');
  for (const c of ours.confused.slice(0, 8)) console.log(`  ${c.count} × ${c.expected} -> ${c.predicted}`);
}

async function main(): Promise<void> {
  const { targets, json, k, withNlpjs, model } = parseArgs(process.argv.slice(2));
  const embedder = model ? await EvalEmbedder.load(model, loadConfig().MODELS_DIR) : undefined;
  const engines = [bot, ...(embedder ? [withModel(embedder, false), withModel(embedder, true)] : []), ...(withNlpjs ? [nlpjs] : [])];
  const out: Record<string, unknown> = {};
  // Several corpus files are reported together (the NLU Evaluation Corpora's test parts pooled).
  const isDir = targets.length === 1 && !targets[0].endsWith('.json');
  const splits = targets.flatMap((t) => loadSplits(t, k));
  const name = isDir ? `${path.basename(targets[0])} (${k}-fold per language)` : targets.map((t) => path.basename(t)).join(' + ');
  const runs = new Map<Engine, SplitRun[]>();
  for (const e of engines) runs.set(e, await runAll(e, splits));
  const results = engines.map((e) => summarise(e, runs.get(e)!));
  const langs = [...new Set(splits.map((s) => s.lang))];
  const byLang: Record<string, EngineResult[]> = {};
  if (langs.length > 1) {
    for (const lang of langs) byLang[lang] = engines.map((e) => summarise(e, runs.get(e)!.filter((r) => r.split.lang === lang)));
  }
  out[name] = { results, byLang };
  if (json) console.log(JSON.stringify(out, null, 2));
  else print(name, results, byLang);
  await embedder?.encoder.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
