import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../src/config.js';
import { localeLangs } from '../../src/shared/languages.js';
import { loadExamples } from '../../src/nlu/training.js';
import { loadKnowledge } from '../../src/knowledge/loader.js';

const INTENTS = [
  'greeting', 'goodbye', 'help', 'office_status', 'office_hours', 'office_location', 'contact_phone',
  'contact_email', 'certificate_request', 'appointment', 'document_submission', 'transport_card',
  'incident_info', 'health_services', 'subscribe_updates', 'unsubscribe_updates', 'human_agent',
  'change_language', 'out_of_scope',
  // Added by #18 (erasure, GDPR art. 17); the domain contract allows adding intents.
  'forget_data',
  // Added by #31 (verified contacts: is this number, address or link really the council's?).
  'verify_contact',
];

type Tree = { [key: string]: string | Tree };
const flatten = (tree: Tree, prefix = ''): Record<string, string> =>
  Object.fromEntries(
    Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v]] : Object.entries(flatten(v, `${prefix}${k}.`)))),
  );
const locale = (lang: string) =>
  flatten(JSON.parse(fs.readFileSync(path.join(ROOT, 'locales', lang, 'translation.json'), 'utf8')));
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

const LANGS = localeLangs(path.join(ROOT, 'locales'));

describe('locales', () => {
  const langs = fs.readdirSync(path.join(ROOT, 'locales'));
  it('has a folder for each supported language', () => {
    expect(langs.sort()).toEqual(['ca', 'en', 'es', 'it', 'sv']);
  });
  it.each(langs.flatMap((a) => langs.filter((b) => b !== a).map((b) => [a, b])))(
    'every key of %s exists in %s, with the same placeholders',
    (a, b) => {
      const A = locale(a);
      const B = locale(b);
      const missing = Object.keys(A).filter((k) => !(k in B));
      expect(missing, `keys of ${a} missing in ${b}`).toEqual([]);
      for (const key of Object.keys(A)) {
        expect(placeholders(B[key]), `${b}:${key}`).toEqual(placeholders(A[key]));
        expect(B[key].trim().length, `${b}:${key} is empty`).toBeGreaterThan(0);
      }
    },
  );
});

const EMAIL = /[\w.+-]+@[\w-]+(\.[\w-]+)+/g;
const PHONE = /(?<![\w.])\+?\d[\d .\/-]{6,}\d(?![\w])/g;
const STREET = /\b(calle|c\/|carrer|avenida|avinguda|avda\.?|via|viale|piazza|corso|street|road|avenue|gatan|vägen)\s+[\p{Lu}][\p{L} ]*,?\s*\d+/giu;

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    return d.isDirectory() ? filesUnder(full) : [full];
  });
}

describe('facts live only in the knowledge base', () => {
  const files = [...filesUnder(path.join(ROOT, 'src')), ...filesUnder(path.join(ROOT, 'locales'))];
  it.each(files.map((f) => [path.relative(ROOT, f), f]))('%s has no phone number, email or street address', (_rel, file) => {
    const text = fs.readFileSync(file, 'utf8');
    expect(text.match(EMAIL) ?? []).toEqual([]);
    const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
    expect((text.match(PHONE) ?? []).filter((m) => !IPV4.test(m))).toEqual([]);
    expect(text.match(STREET) ?? []).toEqual([]);
  });

  it('the sample knowledge base holds only the phones and emails of the source articles', () => {
    const kb = JSON.stringify(loadKnowledge(path.join(ROOT, 'knowledge')));
    const found = [...new Set([...(kb.match(EMAIL) ?? []), ...(kb.match(PHONE) ?? [])])].sort();
    expect(found).toEqual(['031/370.111', '0332/277.111', 'protocollo@pec.ats-insubria.it', 'urp@ats-insubria.it']);
  });

  it('the sample knowledge base has no invented hours, addresses or URLs', () => {
    const kb = loadKnowledge(path.join(ROOT, 'knowledge'));
    for (const o of kb.offices) {
      expect(o.address, o.id).toBe('');
      expect(o.hours, o.id).toEqual({});
    }
    expect(kb.organisations.map((o) => o.website)).toEqual(['', '', '']);
    expect(kb.procedures.flatMap((p) => p.links)).toEqual([]);
  });
});

describe('training data', () => {
  const examples = loadExamples(path.join(ROOT, 'intents'));
  it('has every intent of the domain contract and no other', () => {
    expect([...new Set(examples.map((e) => e.intent))].sort()).toEqual([...INTENTS].sort());
  });
  it.each(INTENTS.flatMap((intent) => LANGS.map((lang) => [intent, lang])))('%s has at least 25 %s examples', (intent, lang) => {
    const n = examples.filter((e) => e.intent === intent && e.lang === lang).length;
    expect(n).toBeGreaterThanOrEqual(25);
  });
  it('never gives the same example to two intents', () => {
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const e of examples) {
      const key = `${e.lang}:${e.text.toLowerCase().trim()}`;
      const other = seen.get(key);
      if (other && other !== e.intent) clashes.push(`${key} (${other} / ${e.intent})`);
      seen.set(key, e.intent);
    }
    expect(clashes).toEqual([]);
  });
});
