import fs from 'node:fs';
import { z } from 'zod';

/**
 * A language: its ISO 639-1 code, which names its folder under locales/. Those folders are the one
 * list of the bot's languages (localeLangs): adding a language is adding files.
 */
export type Lang = string;
export const langSchema = z.string().regex(/^[a-z]{2}$/, 'a language is a two-letter ISO 639-1 code, as its folder under locales/');

/** The languages with texts: one folder per language under locales/ (sorted). */
export function localeLangs(dir: string): Lang[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/**
 * The locale Intl formats a language's lists and dates in (its `intl` text: "en-GB", so that lists
 * have no serial comma and dates read day-month): set when the texts load; else the code itself.
 */
const intlLocales = new Map<Lang, string>();
export const setIntlLocale = (lang: Lang, locale: string) => void intlLocales.set(lang, locale);
export const intlLocale = (lang: Lang): string => intlLocales.get(lang) ?? lang;
