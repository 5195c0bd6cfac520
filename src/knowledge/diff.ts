import { isDeepStrictEqual } from 'node:util';
import type { KnowledgeBase } from './schema.js';

/** One fact that changed: its field (`contacts.0.value`, `hours.ca`) and its words before and after ('' : none). */
export interface FieldChange {
  field: string;
  before: string;
  after: string;
}

/** What a published change did to one organisation, office, service or procedure. */
export interface EntryChange {
  kind: 'organisation' | 'office' | 'service' | 'procedure';
  id: string;
  org: string;
  change: 'added' | 'removed' | 'changed';
  fields: FieldChange[];
}

const LISTS = [
  ['organisation', 'organisations'],
  ['office', 'offices'],
  ['service', 'services'],
  ['procedure', 'procedures'],
] as const;

/** A value as words: lists of words joined, anything else as JSON. */
function words(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(', ');
  return JSON.stringify(value);
}

/** The leaves of an entry by their path: texts per language, contacts one by one; lists of words whole. */
function leaves(value: unknown, path = '', out = new Map<string, unknown>()): Map<string, unknown> {
  const whole = Array.isArray(value) && value.every((v) => typeof v !== 'object');
  if (value && typeof value === 'object' && !whole) {
    for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
  } else if (path) out.set(path, value);
  return out;
}

/** Field by field: what changed from `before` to `after` (either may be missing: added, removed). */
function fields(before: object | undefined, after: object | undefined): FieldChange[] {
  const a = leaves(before ?? {});
  const b = leaves(after ?? {});
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  return keys
    .filter((k) => !isDeepStrictEqual(a.get(k), b.get(k)) && (words(a.get(k)) !== '' || words(b.get(k)) !== ''))
    .map((field) => ({ field, before: words(a.get(field)), after: words(b.get(field)) }));
}

/**
 * A readable diff of two knowledge bases: the entries added, removed or changed, each with its
 * changed fields in words; only of the organisations given (all when none).
 */
export function diffKnowledge(before: KnowledgeBase, after: KnowledgeBase, orgs?: readonly string[]): EntryChange[] {
  const out: EntryChange[] = [];
  for (const [kind, list] of LISTS) {
    const orgOf = (x: { id: string; organisation?: string }) => (kind === 'organisation' ? x.id : x.organisation!);
    const old = new Map<string, object & { id: string }>(before[list].map((x) => [x.id, x]));
    const now = new Map<string, object & { id: string }>(after[list].map((x) => [x.id, x]));
    for (const id of new Set([...old.keys(), ...now.keys()])) {
      const a = old.get(id);
      const b = now.get(id);
      const org = orgOf((b ?? a) as { id: string; organisation?: string });
      if (orgs && !orgs.includes(org)) continue;
      const changed = fields(a, b);
      if (changed.length === 0) continue;
      out.push({ kind, id, org, change: !a ? 'added' : !b ? 'removed' : 'changed', fields: changed });
    }
  }
  return out;
}
