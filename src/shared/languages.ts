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
