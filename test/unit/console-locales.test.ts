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
    wanted.push(...['board', 'announcements', 'insights', 'audit', 'review', 'knowledge', 'accounts'].map((p) => `nav.${p}`), ...['web', 'telegram'].map((c) => `channels.${c}`));
    wanted.push(...['padron', 'address_change', 'life', 'digital'].map((c) => `certificates.${c}`));
    expect(wanted.length).toBeGreaterThan(100);
    expect(wanted.filter((k) => !(k in en))).toEqual([]);
  });

  // One voice per language, the bot's own: usted, vostè and Lei (not tú, tu, tu); Swedish du.
  it.each([
    ['es', ['tu', 'tus', 'tienes', 'puedes', 'quieres', 'elige', 'escribe', 'escríbela', 'escríbelo', 'indica', 'inténtalo', 'toca']],
    ['ca', ['teu', 'teua', 'teus', 'teues', 'vols', 'pots', 'tria', 'escriu', 'escriu-la', 'escriu-lo', 'indica', 'torna-ho', 'toca']],
    ['it', ['tuo', 'tua', 'tuoi', 'tue', 'puoi', 'vuoi', 'hai', 'scegli', 'scrivi', 'scrivila', 'scrivilo', 'riprova', 'indica', 'tocca']],
  ])('%s speaks to staff in one voice, as the bot speaks to citizens', (lang, informal) => {
    const words = new Set(Object.values(texts(lang)).join(' ').toLowerCase().split(/[^\p{L}·'-]+/u));
    expect(informal.filter((w) => words.has(w))).toEqual([]);
  });

  it('uses no jargon: no "knowledge base", no token, no model version', () => {
    const all = LANGS.map((l) => Object.values(texts(l)).join(' ').toLowerCase()).join(' ');
    for (const jargon of ['base de conocimiento', 'base de coneixement', 'base di conoscenza', 'kunskapsbas', 'knowledge base', 'api-token', 'token', 'versión', 'versió', 'versione', 'version']) {
      expect(all, jargon).not.toContain(jargon);
    }
  });

  it('is Valencian in Valencian forms, not central Catalan', () => {
    const words = new Set(Object.values(texts('ca')).join(' ').toLowerCase().split(/[^\p{L}·]+/u));
    for (const valencian of ['ací', 'esta', 'açò', 'seues', 'seua', 'meues', 'hui']) expect(words, valencian).toContain(valencian);
    // Central forms a Valencian reader notices at once.
    for (const central of ['aquí', 'aquesta', 'aquest', 'això', 'seva', 'seves', 'teva', 'teves', 'meva', 'meves']) expect(words, central).not.toContain(central);
  });
});
