/**
 * A SentencePiece Unigram tokenizer in the layout of XLM-RoBERTa's tokenizer.json: <s> <pad> </s>
 * <unk> first, <mask> last, Metaspace (▁) pre-tokenizer and decoder, <s> $A </s>. Its pieces are
 * the words of intents/ and knowledge/ (as written, lowercase and capitalised), their prefixes and
 * suffixes, every character they use and the letters of the five languages, then seeded generated
 * pieces up to the vocabulary size. Scores are log-probabilities: whole words beat pieces, pieces
 * beat characters, so Viterbi segments "folkbokföringsintyg" into a few known pieces.
 */
import fs from 'node:fs';
import path from 'node:path';

export const SPECIALS = ['<s>', '<pad>', '</s>', '<unk>'] as const;
export const MASK = '<mask>';
const SPACE = '\u2581';

/** Every text file under the folders (intents/ and knowledge/ are YAML). */
function readTexts(dirs: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.(ya?ml|json|md)$/.test(entry.name)) out.push(fs.readFileSync(file, 'utf8'));
    }
  };
  dirs.forEach(walk);
  return out;
}

/** xorshift32 in [0, 1). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzàáèéíïòóúüñçäöåìùâêô';
const EXTRA_CHARS = `0123456789.,;:!?¿¡'’"«»()[]-–—/·@%&+*=#€$_<>`;

/** The vocabulary, in id order: [piece, score]. */
export function unigramVocab(sourceDirs: string[], size: number, seed: number): [string, number][] {
  const counts = new Map<string, number>();
  const chars = new Set<string>();
  for (const text of readTexts(sourceDirs)) {
    for (const ch of text.normalize('NFKC')) if (!/\s/u.test(ch)) chars.add(ch);
    for (const w of text.normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? []) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  const scores = new Map<string, number>();
  const add = (piece: string, score: number) => {
    if (piece && (scores.get(piece) ?? -Infinity) < score) scores.set(piece, score);
  };
  add(SPACE, -3);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  for (const [word, n] of counts) {
    const score = Math.log(n / total);
    for (const form of new Set([word, word.toLowerCase(), word[0].toUpperCase() + word.slice(1).toLowerCase()])) {
      add(SPACE + form, score - 1);
      add(form, score - 2);
    }
    const lower = word.toLowerCase();
    for (let k = 2; k < Math.min(lower.length, 7); k++) {
      add(SPACE + lower.slice(0, k), score - 4);
      add(lower.slice(-k), score - 4);
    }
  }
  for (const ch of [...LETTERS, ...LETTERS.toUpperCase(), ...EXTRA_CHARS, ...chars]) {
    add(ch, -14);
    add(SPACE + ch, -14.5);
  }
  const wanted = size - SPECIALS.length - 1;
  if (scores.size > wanted) throw new Error(`the texts give ${scores.size} pieces, more than the vocabulary of ${size}`);
  // The rest of the vocabulary: syllable-like pieces, as a multilingual corpus would add.
  const random = rng(seed);
  const consonants = 'bcdfghjklmnpqrstvwxyzçñ';
  const vowels = 'aeiouàéèíóòúäöå';
  const pick = (s: string) => s[Math.floor(random() * s.length)];
  while (scores.size < wanted) {
    let piece = '';
    const syllables = 1 + Math.floor(random() * 4);
    for (let i = 0; i < syllables; i++) piece += pick(consonants) + pick(vowels) + (random() < 0.3 ? pick(consonants) : '');
    if (random() < 0.1) piece = piece[0].toUpperCase() + piece.slice(1);
    add(random() < 0.5 ? SPACE + piece : piece, -15 - 4 * random());
  }
  const pieces = [...scores].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return [...SPECIALS.map((t): [string, number] => [t, 0]), ...pieces, [MASK, 0]];
}

/** tokenizer.json: the Unigram model and XLM-RoBERTa's normaliser, pre-tokenizer, template and decoder. */
export function tokenizerJson(vocab: [string, number][]): object {
  const special = (content: string, id: number) => ({ id, content, single_word: false, lstrip: content === MASK, rstrip: false, normalized: false, special: true });
  const token = (id: string) => ({ SpecialToken: { id, type_id: 0 } });
  const seq = (id: 'A' | 'B') => ({ Sequence: { id, type_id: 0 } });
  const metaspace = { replacement: SPACE, add_prefix_space: true, prepend_scheme: 'always' };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [...SPECIALS.map((t, i) => special(t, i)), special(MASK, vocab.length - 1)],
    // XLM-RoBERTa's own: SentencePiece's NFKC charsmap (transformers.js applies NFKC for it), then runs of spaces to one.
    normalizer: { type: 'Sequence', normalizers: [{ type: 'Precompiled', precompiled_charsmap: null }, { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' }] },
    pre_tokenizer: { type: 'Metaspace', ...metaspace },
    post_processor: {
      type: 'TemplateProcessing',
      single: [token('<s>'), seq('A'), token('</s>')],
      pair: [token('<s>'), seq('A'), token('</s>'), token('</s>'), seq('B'), token('</s>')],
      special_tokens: Object.fromEntries(['<s>', '</s>'].map((t) => [t, { id: t, ids: [SPECIALS.indexOf(t as '<s>')], tokens: [t] }])),
    },
    decoder: { type: 'Metaspace', ...metaspace },
    model: { type: 'Unigram', unk_id: SPECIALS.indexOf('<unk>'), vocab, byte_fallback: false },
  };
}

export const tokenizerConfig = {
  tokenizer_class: 'XLMRobertaTokenizer',
  model_max_length: 512,
  do_lower_case: false,
  bos_token: '<s>',
  eos_token: '</s>',
  sep_token: '</s>',
  cls_token: '<s>',
  unk_token: '<unk>',
  pad_token: '<pad>',
  mask_token: MASK,
  clean_up_tokenization_spaces: true,
};
