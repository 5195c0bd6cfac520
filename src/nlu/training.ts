import fs from 'node:fs';
import path from 'node:path';
import { readYaml } from '../shared/yaml.js';
import { z } from 'zod';
import { langSchema, type Lang } from '../knowledge/schema.js';
import { LEXICONS, type Lexicon, type LexiconType } from './entities.js';
import { CUE_KINDS, type ActCues } from './acts.js';

export interface Example {
  text: string;
  intent: string;
  lang: Lang;
}

const intentFile = z
  .object({
    intent: z.string().regex(/^[a-z_]+$/),
    examples: z.record(langSchema, z.array(z.string().min(1))),
  })
  .strict();

/** Reads intents/*.yaml: one file per intent, examples per language. */
export function loadExamples(dir: string): Example[] {
  const examples: Example[] = [];
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  for (const file of files) {
    const parsed = intentFile.safeParse(readYaml(fs.readFileSync(path.join(dir, file), 'utf8')));
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new Error(`${path.join(dir, file)}: ${why}`);
    }
    const { intent, examples: byLang } = parsed.data;
    for (const [lang, texts] of Object.entries(byLang) as [Lang, string[]][]) {
      for (const text of texts) examples.push({ text, intent, lang });
    }
  }
  if (examples.length === 0) throw new Error(`${dir}: no training examples found`);
  return examples;
}

const actFile = z
  .object({
    act: z.string().regex(/^[a-z_]+$/),
    /** The group of acts it is learned with (a part of the act head of its own); default the first one. */
    head: z.string().regex(/^[a-z_]+$/).optional(),
    examples: z.record(langSchema, z.array(z.string().min(1))),
  })
  .strict();

/** An example of a learned act (a complaint, a question about the bot). */
export interface ActExample {
  text: string;
  act: string;
  head?: string;
}

/** Reads intents/acts/*.yaml: the acts a head of their own learns beside the intents (none there: no such head). */
export function loadActs(dir: string): ActExample[] {
  const folder = path.join(dir, 'acts');
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((file) => {
      const parsed = actFile.safeParse(readYaml(fs.readFileSync(path.join(folder, file), 'utf8')));
      if (!parsed.success) throw new Error(`${path.join(folder, file)}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const { act, head, examples } = parsed.data;
      return Object.values(examples).flatMap((texts) => texts.map((text) => ({ text, act, ...(head ? { head } : {}) })));
    });
}

/** Where the validation set lives: a folder of its own, so loadExamples() (top-level files only) never trains on it. */
export const VALIDATION_FILE = path.join('validation', 'validation.yaml');

const validationFile = z.record(z.string().regex(/^[a-z_]+$/), z.record(langSchema, z.array(z.string().min(1))));

/** Reads intents/validation/validation.yaml (intent -> language -> messages); none there: an empty set. */
export function loadValidation(dir: string): Example[] {
  const file = path.join(dir, VALIDATION_FILE);
  if (!fs.existsSync(file)) return [];
  const parsed = validationFile.parse(readYaml(fs.readFileSync(file, 'utf8')));
  return Object.entries(parsed).flatMap(([intent, byLang]) =>
    (Object.entries(byLang) as [Lang, string[]][]).flatMap(([lang, texts]) => texts.map((text) => ({ text, intent, lang }))),
  );
}

/** Reads the entity lexicons in intents/entities/ (one file per lexicon type). */
export function loadLexicons(dir: string): Record<LexiconType, Lexicon> {
  const read = (name: string): Lexicon => {
    const file = path.join(dir, 'entities', `${name}.yaml`);
    if (!fs.existsSync(file)) return {};
    return z.record(z.string(), z.array(z.string())).parse(readYaml(fs.readFileSync(file, 'utf8')) ?? {});
  };
  return Object.fromEntries(LEXICONS.map((type) => [type, read(type)])) as Record<LexiconType, Lexicon>;
}

/** Reads intents/entities/acts.yaml: per language, the words that open each kind of question (none: every message is a statement). */
export function loadActCues(dir: string): ActCues {
  const file = path.join(dir, 'entities', 'acts.yaml');
  if (!fs.existsSync(file)) return {};
  return z.record(langSchema, z.partialRecord(z.enum(CUE_KINDS), z.array(z.string()))).parse(readYaml(fs.readFileSync(file, 'utf8')) ?? {}) as ActCues;
}
