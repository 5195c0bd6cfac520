import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export type Stem = (word: string) => string;

const identity: Stem = (word) => word;
const loaded = new Map<string, Stem>();

/**
 * The Snowball stemmer of a language, from NLP.js's language package (`@nlpjs/lang-<lang>`,
 * or its `-min` variant): a new language needs its package, not code. A language without one
 * is left unstemmed. The entity lexicons match by stems (entities.ts); the evaluation's stemmed pipelines use it too.
 */
export function stemmerFor(lang: string): Stem {
  let stem = loaded.get(lang);
  if (stem) return stem;
  stem = identity;
  for (const name of [`@nlpjs/lang-${lang}-min`, `@nlpjs/lang-${lang}`]) {
    try {
      const pkg = require(name) as Record<string, new () => { stemWord(word: string): string }>;
      const Stemmer = Object.entries(pkg).find(([key]) => key.startsWith('Stemmer'))?.[1];
      if (Stemmer) {
        const stemmer = new Stemmer();
        stem = (word) => stemmer.stemWord(word);
        break;
      }
    } catch {
      // not installed: try the next name, else no stemming
    }
  }
  loaded.set(lang, stem);
  return stem;
}
