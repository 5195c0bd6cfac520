import fs from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction } from 'i18next';
import type { Lang } from './languages.js';
import { localeLangs, setIntlLocale } from './languages.js';

export type Translate = TFunction;

export interface Texts {
  langs: Lang[];
  t(lang: Lang): Translate;
  /** The whole resource tree of a language (the widget's labels). */
  resources(lang: Lang): Record<string, unknown>;
}

/**
 * Remembers each (key, values) text of one language. i18next resolves every call afresh, and its
 * getFixedT copies i18next's whole options object per call: ~10-50 µs a call, ~11 calls an answer,
 * which was two thirds of a chat request's main-thread time. Only strings are kept (an object a
 * caller could change is not), and at most a thousand texts per language.
 */
function remembered(t: TFunction): TFunction {
  const texts = new Map<string, string>();
  return ((key: string, values?: object) => {
    const id = values ? `${key} ${JSON.stringify(values)}` : key;
    const known = texts.get(id);
    if (known !== undefined) return known;
    const text: unknown = t(key, values as never);
    if (typeof text === 'string') {
      if (texts.size >= 1000) texts.clear();
      texts.set(id, text);
    }
    return text;
  }) as TFunction;
}

/** Loads locales/<lang>/translation.json (or another file of each folder: the status page's) for every language folder present. */
export async function loadTexts(dir: string, fallbackLng: Lang = 'en', file = 'translation.json'): Promise<Texts> {
  const langs = localeLangs(dir);
  const resources: Record<string, { translation: Record<string, unknown> }> = {};
  for (const lang of langs) {
    resources[lang] = { translation: JSON.parse(fs.readFileSync(path.join(dir, lang, file), 'utf8')) };
  }
  const instance = i18next.createInstance();
  await instance.init({
    resources,
    fallbackLng,
    interpolation: { escapeValue: false }, // channels escape for their medium; answers are plain text
    returnNull: false,
    initAsync: false,
  });
  const fixed = new Map(langs.map((lang) => [lang, remembered(instance.getFixedT(lang))]));
  for (const [lang, t] of fixed) if (t('intl') !== 'intl') setIntlLocale(lang, t('intl'));
  return {
    langs,
    t: (lang) => fixed.get(lang) ?? instance.getFixedT(lang),
    resources: (lang) => resources[lang]?.translation ?? {},
  };
}
