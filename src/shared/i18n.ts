import fs from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction } from 'i18next';
import type { Lang } from '../knowledge/schema.js';
import { localeLangs } from './languages.js';

export type Translate = TFunction;

export interface Texts {
  langs: Lang[];
  t(lang: Lang): Translate;
  /** The whole resource tree of a language (the widget's labels). */
  resources(lang: Lang): Record<string, unknown>;
}

/**
 * A call's cache id: the key and its option names and values; undefined (not cached) when a
 * value is not a string or a number. Cheaper than JSON.stringify on every call.
 */
function callId(key: string, options?: Record<string, unknown>): string | undefined {
  if (!options) return key;
  let id = key;
  for (const name in options) {
    const value = options[name];
    if (typeof value !== 'string' && typeof value !== 'number') return undefined;
    id += `\u0000${name}\u0001${value}`;
  }
  return id;
}

/** Loads locales/<lang>/translation.json for every language folder present. */
export async function loadTexts(dir: string, fallbackLng: Lang = 'en'): Promise<Texts> {
  const langs = localeLangs(dir) as Lang[];
  const resources: Record<string, { translation: Record<string, unknown> }> = {};
  for (const lang of langs) {
    const file = path.join(dir, lang, 'translation.json');
    resources[lang] = { translation: JSON.parse(fs.readFileSync(file, 'utf8')) };
  }
  const instance = i18next.createInstance();
  await instance.init({
    resources,
    fallbackLng,
    interpolation: { escapeValue: false }, // channels escape for their medium; answers are plain text
    returnNull: false,
    initAsync: false,
  });
  // i18next resolves every call afresh (~10 µs); answers repeat the same few texts, so each
  // (language, key, values) result is kept. Bounded: cleared when it grows past a few thousand.
  const fixed = new Map<Lang, TFunction>();
  const memo = (lang: Lang): TFunction => {
    const t = instance.getFixedT(lang);
    const cache = new Map<string, string>();
    const cached = ((key: string, options?: Record<string, unknown>) => {
      const id = callId(key, options);
      if (id === undefined) return t(key, options as never);
      let text = cache.get(id);
      if (text === undefined) {
        text = t(key, options as never) as unknown as string;
        if (cache.size > 1000) cache.clear();
        cache.set(id, text);
      }
      return text;
    }) as unknown as TFunction;
    fixed.set(lang, cached);
    return cached;
  };
  return {
    langs,
    t: (lang) => fixed.get(lang) ?? memo(lang),
    resources: (lang) => resources[lang]?.translation ?? {},
  };
}
