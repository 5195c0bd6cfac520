import fs from 'node:fs';

/** The languages with texts: one folder per language under locales/ (sorted). */
export function localeLangs(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}
