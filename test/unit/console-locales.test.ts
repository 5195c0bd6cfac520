import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../src/config.js';
import { localeLangs } from '../../src/shared/languages.js';

const LANGS = localeLangs(path.join(ROOT, 'locales'));

// The staff console's texts (locales/<lang>/console.json): every language has every key, with the same placeholders.

type Tree = { [key: string]: string | Tree };
const flatten = (tree: Tree, prefix = ''): Record<string, string> =>
  Object.fromEntries(Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v]] : Object.entries(flatten(v, `${prefix}${k}.`)))));
const texts = (lang: string) => flatten(JSON.parse(fs.readFileSync(path.join(ROOT, 'locales', lang, 'console.json'), 'utf8')));
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

/** Keys the console's code asks for with a literal string: t('board.title'). */
function keysInCode(): string[] {
  const dir = path.join(ROOT, 'web', 'staff', 'src');
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
  const code = files.map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
  return [...new Set([...code.matchAll(/\bt\('([\w.]+)'/g)].map((m) => m[1]))];
}

describe('console texts', () => {
  it.each(LANGS.flatMap((a) => LANGS.filter((b) => b !== a).map((b) => [a, b])))('every key of %s is in %s, with the same placeholders', (a, b) => {
    const A = texts(a);
    const B = texts(b);
    expect(Object.keys(A).filter((k) => !(k in B))).toEqual([]);
    for (const key of Object.keys(A)) {
      expect(placeholders(B[key]), `${b}:${key}`).toEqual(placeholders(A[key]));
      expect(B[key].trim(), `${b}:${key}`).not.toBe('');
    }
  });

  it('has every key the code asks for, and a name for every status, role, intent and page', () => {
    const en = texts('en');
    const intents = fs.readdirSync(path.join(ROOT, 'intents')).filter((f) => f.endsWith('.yaml')).map((f) => `intents.${f.replace('.yaml', '')}`);
    const wanted = [...keysInCode(), ...intents, ...['open', 'limited', 'closed', 'reopening'].map((s) => `status.${s}`), ...['admin', 'editor', 'viewer'].map((r) => `roles.${r}`)];
    wanted.push(...['board', 'announcements', 'insights', 'audit', 'review', 'accounts'].map((p) => `nav.${p}`), ...['none', 'date', 'text'].map((k) => `board.reopening_${k}`));
    expect(wanted.length).toBeGreaterThan(100);
    expect(wanted.filter((k) => !(k in en))).toEqual([]);
  });

  it('is Valencian in Valencian forms, not central Catalan', () => {
    const words = new Set(Object.values(texts('ca')).join(' ').toLowerCase().split(/[^\p{L}·]+/u));
    for (const valencian of ['ací', 'esta', 'açò', 'seues', 'teues', 'meues']) expect(words, valencian).toContain(valencian);
    // Central forms a Valencian reader notices at once.
    for (const central of ['aquí', 'aquesta', 'aquest', 'això', 'seva', 'seves', 'teva', 'teves', 'meva', 'meves']) expect(words, central).not.toContain(central);
  });
});
