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
  return {
    langs,
    t: (lang) => instance.getFixedT(lang),
    resources: (lang) => resources[lang]?.translation ?? {},
  };
}
