import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { checkReferences } from './loader.js';
import type { KnowledgeBase, Lang, Text } from './schema.js';
import { sectionOf, sectionSchema, type Section } from './sections.js';

/** What kind of problem it is, for the console's words: a phone number, an email, a web address, a missing name, an id taken, an office that is not the organisation's, a channel both available and not, a language the bot lacks, anything else the schema refuses. */
export type ProblemCode = 'phone' | 'email' | 'web' | 'required' | 'taken' | 'office' | 'both' | 'language' | 'schema';

/** One problem of a field: where (`offices.0.phone`, relative to what was sent), what kind, and why. */
export interface FieldProblem {
  path: string;
  code: ProblemCode;
  reason: string;
}

/** What the checks need to know: the bot's languages, and the language a text must have when the organisation names none. */
export interface FactRules {
  langs: readonly Lang[];
  defaultLang: Lang;
}

const isEmail = (v: string) => z.email().safeParse(v).success;

/** A phone number as the answers read it (slashes, dots and spaces between digits, as councils write them): valid for the organisation's country, or international. */
export function phoneProblem(value: string, country: string | undefined): string | undefined {
  const parsed = parsePhoneNumberFromString(value.replace(/[/.\s()-]/g, ''), country as CountryCode | undefined);
  if (parsed?.isValid()) return undefined;
  return country
    ? `not a valid phone number in ${country}: check the digits (a number of another country starts with + and its country code)`
    : 'not a valid phone number: write it with + and its country code, or give the organisation its country';
}

const LANG_KEY = /^[a-z]{2}$/;

/** A text per language ({es: "…"}, or lists of lines per language): every key a language code, every value words. */
function isText(value: object): value is Record<string, string | string[]> {
  const entries = Object.entries(value);
  return !Array.isArray(value) && entries.length > 0 && entries.every(([k, v]) => LANG_KEY.test(k) && (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))));
}

/** Trims every string and drops what a language leaves empty ("" in a field means "not said in this language": the others stand in). */
export function tidy<T>(value: T): T {
  if (typeof value === 'string') return value.trim() as T;
  if (Array.isArray(value)) return value.map(tidy) as T;
  if (!value || typeof value !== 'object') return value;
  const out = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, tidy(v)]));
  if (!isText(out)) return out as T;
  const said = Object.entries(out)
    .map(([k, v]) => [k, Array.isArray(v) ? v.filter(Boolean) : v] as const)
    .filter(([, v]) => v.length > 0);
  return Object.fromEntries(said) as T;
}

/**
 * The schema's refusal of a field as a problem: of a contact's value, its kind's (a phone number
 * or an email is what is wrong); of a web address, 'web'.
 * @param contactType the type of the contact the path names, if it names one
 */
function schemaProblem(path: string, reason: string, contactType?: string): FieldProblem {
  const value = /contacts\.\d+\.value$/.test(path);
  const code: ProblemCode = value && (contactType === 'email' || contactType === 'pec') ? 'email' : value ? 'phone' : /(^|\.)(website|links\.\d+)$/.test(path) ? 'web' : 'schema';
  return { path, code, reason };
}

/**
 * Facts as sent, before the schema took them: the schema's problems, and the other checks'
 * problems of the rest (the facts without the fields the schema refused), so that staff learn of
 * every problem at once rather than one round at a time.
 * @param check the checks of facts that pass the schema
 */
export function checkSent(sent: unknown, check: (section: Section) => FieldProblem[]): FieldProblem[] {
  const parsed = sectionSchema.safeParse(sent);
  if (parsed.success) return check(tidy(parsed.data));
  const contacts = (sent as { organisation?: { contacts?: { type?: string }[] } } | undefined)?.organisation?.contacts;
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.join('.');
    const contact = /^organisation\.contacts\.(\d+)\./.exec(path);
    return schemaProblem(path, issue.message, contact ? contacts?.[Number(contact[1])]?.type : undefined);
  });
  // Without the refused fields (their defaults stand in), the rest may pass: its problems too.
  const rest = structuredClone(sent) as Record<string, unknown>;
  for (const { path } of parsed.error.issues) {
    const parent = path.slice(0, -1).reduce<unknown>((x, k) => (x && typeof x === 'object' ? (x as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined), rest);
    if (parent && typeof parent === 'object' && !Array.isArray(parent)) delete (parent as Record<PropertyKey, unknown>)[path.at(-1) as PropertyKey];
  }
  const again = sectionSchema.safeParse(rest);
  if (!again.success) return problems;
  const reported = new Set(problems.map((p) => p.path));
  return [...problems, ...check(tidy(again.data)).filter((p) => !reported.has(p.path))];
}

/** Texts given in a language the bot does not speak. */
function unknownLangs(value: unknown, path: string, langs: readonly Lang[], out: FieldProblem[]): void {
  if (!value || typeof value !== 'object') return;
  const text = isText(value);
  for (const [k, v] of Object.entries(value)) {
    const here = path ? `${path}.${k}` : k;
    if (text && !langs.includes(k)) out.push({ path: here, code: 'language', reason: `no language ${k} here; the bot speaks ${langs.join(', ')}` });
    else if (!text) unknownLangs(v, here, langs, out);
  }
}

/**
 * The checks an organisation's facts must pass before they are kept, beyond the schema: phone
 * numbers that parse (libphonenumber, in the organisation's country), emails, names in the
 * organisation's language, references to its own offices only, ids no other organisation uses.
 * @param org the organisation the section must be of
 * @param others the knowledge it joins (the other organisations' ids must not be taken)
 */
export function checkSection(section: Section, org: string, others: KnowledgeBase, rules: FactRules): FieldProblem[] {
  const out: FieldProblem[] = [];
  const { organisation: o } = section;
  const lang = o.language ?? rules.defaultLang;
  const named = (text: Text, path: string) => {
    if (!text[lang]?.trim()) out.push({ path: `${path}.${lang}`, code: 'required', reason: `required: the name in ${lang}, the organisation's language` });
  };
  if (o.id !== org) out.push({ path: 'organisation.id', code: 'schema', reason: `these are ${org}'s facts: its id cannot change` });
  if (o.language && !rules.langs.includes(o.language)) out.push({ path: 'organisation.language', code: 'language', reason: `no language ${o.language} here` });
  named(o.name, 'organisation.name');
  unknownLangs(section, '', rules.langs, out);

  const officeIds = new Set(section.offices.map((x) => x.id));
  o.contacts.forEach((c, i) => {
    const at = `organisation.contacts.${i}`;
    if (c.type === 'email' || c.type === 'pec') {
      if (!isEmail(c.value)) out.push({ path: `${at}.value`, code: 'email', reason: 'not an email address: a name, @ and a domain' });
    } else {
      const problem = phoneProblem(c.value, o.country);
      if (problem) out.push({ path: `${at}.value`, code: 'phone', reason: problem });
    }
    if (c.office && !officeIds.has(c.office)) out.push({ path: `${at}.office`, code: 'office', reason: `"${c.office}" is not one of its offices` });
  });

  const taken = (list: { id: string; organisation: string }[]) => new Set(list.filter((x) => x.organisation !== org).map((x) => x.id));
  const ids = (key: 'offices' | 'services' | 'procedures', list: { id: string; organisation: string }[]) => {
    const elsewhere = taken(others[key]);
    const seen = new Set<string>();
    list.forEach((x, i) => {
      if (x.organisation !== org) out.push({ path: `${key}.${i}.organisation`, code: 'schema', reason: `must be ${org}` });
      if (elsewhere.has(x.id) || seen.has(x.id)) out.push({ path: `${key}.${i}.id`, code: 'taken', reason: `"${x.id}" is taken: pick another` });
      seen.add(x.id);
    });
  };
  ids('offices', section.offices);
  ids('services', section.services);
  ids('procedures', section.procedures);

  section.offices.forEach((x, i) => {
    named(x.name, `offices.${i}.name`);
    const phone = x.phone && phoneProblem(x.phone, o.country);
    if (phone) out.push({ path: `offices.${i}.phone`, code: 'phone', reason: phone });
    if (x.email && !isEmail(x.email)) out.push({ path: `offices.${i}.email`, code: 'email', reason: 'not an email address: a name, @ and a domain' });
  });
  section.services.forEach((x, i) => named(x.name, `services.${i}.name`));
  section.procedures.forEach((p, i) => {
    p.offices.forEach((id, j) => {
      if (!officeIds.has(id)) out.push({ path: `procedures.${i}.offices.${j}`, code: 'office', reason: `"${id}" is not one of its offices` });
    });
    const both = p.channels.filter((c) => p.notAvailable.includes(c));
    if (both.length) out.push({ path: `procedures.${i}.notAvailable`, code: 'both', reason: `${both.join(', ')}: either available or not, not both` });
    if (p.kind === 'certificate' && !p.certificate) out.push({ path: `procedures.${i}.certificate`, code: 'schema', reason: 'a certificate procedure needs a certificate type' });
  });
  return out;
}

/**
 * Every organisation of a whole knowledge base (an import) under the same checks, each problem
 * named `<organisation>: <path>`, then the references across files as the loader checks them.
 */
export function checkKnowledge(kb: KnowledgeBase, rules: FactRules): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const { id } of kb.organisations) {
    for (const p of checkSection(sectionOf(kb, id)!, id, kb, rules)) out.push({ ...p, path: `${id}: ${p.path}` });
  }
  const references: { file: string; path: string; reason: string }[] = [];
  checkReferences(kb, references);
  for (const p of references) out.push({ path: `${p.file}: ${p.path}`, code: 'schema', reason: p.reason });
  return out;
}
