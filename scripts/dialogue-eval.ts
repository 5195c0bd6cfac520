/**
 * npm run eval:dialogues [-- heldout|dev|fresh|focus] [--lang es] [--show]
 * Plays the native speakers' conversations through POST /api/chat and prints the share of turns
 * whose reply passes every check, per language. `--show` prints each failed turn (use it on the
 * development set: the held-out set is for measuring, never for tuning).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, ROOT } from '../src/config.js';
import { assemble } from '../src/app/assemble.js';
import { buildApp } from '../src/app/http.js';
import { webSessions } from '../src/features/webchat/sessions.js';
import { loadDialogues, scoreDialogues } from './eval/dialogues.js';

const args = process.argv.slice(2);
const set = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--lang') ?? 'heldout';
const only = args.includes('--lang') ? args[args.indexOf('--lang') + 1] : undefined;
const show = args.includes('--show');

const dir = path.join(ROOT, 'test/fixtures', `${set}-dialogues`);
const sets = loadDialogues(dir);
if (Object.keys(sets).length === 0) throw new Error(`No conversations in ${dir}`);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dialogue-eval-'));
const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', STORE: 'memory', NLU_THREAD: 'false', DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '0' });
const bot = await assemble(config);
const app = buildApp({ bot });
await app.ready();
const sessions = webSessions(config);
const exists = async (token: string) => (await bot.stores.sessions.get(`web:${sessions.verify(token)}`)) !== undefined;
let passed = 0;
let turns = 0;
for (const [lang, conversations] of Object.entries(sets)) {
  if (only && lang !== only) continue;
  const score = await scoreDialogues(app, lang, conversations, exists);
  passed += score.passed;
  turns += score.turns;
  const pct = ((100 * score.passed) / score.turns).toFixed(1);
  console.log(`${lang}: ${score.passed}/${score.turns} turns (${pct}%), ${score.conversationsPassed}/${score.conversations} conversations; failed checks ${JSON.stringify(score.byCheck)}`);
  if (show) {
    for (const o of score.outcomes.filter((x) => x.failed.length > 0)) {
      console.log(`  ${o.conversation}.${o.turn} «${o.user}»\n    -> ${o.reply.replace(/\n/g, ' / ')}\n    ✗ ${o.failed.join('; ')}`);
    }
  }
}
console.log(`all: ${passed}/${turns} turns (${((100 * passed) / turns).toFixed(1)}%)`);
await app.close();
await bot.close();
fs.rmSync(dataDir, { recursive: true, force: true });
