/**
 * npm run nlu:heldout [-- <held-out dir> ...] [--model <id>]
 * Plays held-out sets (<dir>/<lang>.json: {messages, dialogues}, as test/support/heldout/) through
 * POST /api/chat twice in one run: with the n-gram encoder alone (NLU_ENCODER=ngram) and with the
 * embedding model (NLU_MODEL, or --model), and prints intent, office and language accuracy per
 * language side by side. With no folder it plays test/support/heldout/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, loadConfig } from '../src/config.js';
import { assemble } from '../src/app/assemble.js';
import { buildApp } from '../src/app/http.js';
import { loadHeldOut, scoreHeldOut, type HeldOutScore } from './eval/heldout.js';

const DEFAULT_SETS = [path.join(ROOT, 'test/support/heldout')];

async function score(env: Record<string, string>, dirs: string[]): Promise<{ encoders: string[]; scores: Map<string, HeldOutScore> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'heldout-eval-'));
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', STORE: 'memory', DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '0', ...env });
  const bot = await assemble(config, undefined, { warn: (m) => console.error(m), error: (m) => console.error(m) });
  const app = buildApp({ bot });
  await app.ready();
  const scores = new Map<string, HeldOutScore>();
  for (const dir of dirs) {
    for (const [lang, file] of Object.entries(loadHeldOut(dir))) scores.set(`${path.relative(ROOT, dir)} ${lang}`, await scoreHeldOut(app, lang, file));
  }
  const encoders = bot.nlu.encoders;
  await app.close();
  await bot.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  return { encoders, scores };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--model');
  const model = at >= 0 ? args.splice(at, 2)[1] : loadConfig().NLU_MODEL;
  const named = args.filter((a) => !a.startsWith('--'));
  const dirs = named.length ? named.map((d) => path.resolve(d)) : DEFAULT_SETS.filter((d) => fs.existsSync(d));
  const without = await score({ NLU_ENCODER: 'ngram' }, dirs);
  const withModel = await score({ NLU_ENCODER: 'auto', NLU_MODEL: model }, dirs);
  if (!withModel.encoders.some((e) => e.startsWith('transformers:'))) throw new Error(`the model ${model} did not load (npm run model:fetch)`);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(6);
  console.log(`set and language${' '.repeat(30)}turns   intent: ngram / +model   office: ngram / +model   language: ngram / +model`);
  for (const [name, a] of without.scores) {
    const b = withModel.scores.get(name)!;
    console.log(`${name.padEnd(46)} ${String(a.turns).padStart(5)}   ${pct(a.intentAccuracy)} / ${pct(b.intentAccuracy)}         ${pct(a.officeAccuracy)} / ${pct(b.officeAccuracy)}          ${pct(a.langAccuracy)} / ${pct(b.langAccuracy)}`);
  }
  console.log(`\nwith the model: ${withModel.encoders.join(', ')}`);
  if (args.includes('--errors')) {
    for (const [name, b] of withModel.scores) for (const e of b.errors) console.log(`${name}: ${e.text} | expected ${e.expected} got ${e.got}`);
  }
}

main().catch((err: unknown) => {
  console.error(`nlu:heldout: ${(err as Error).message}`);
  process.exit(1);
});
