import type { Text } from './schema.js';

/**
 * When each language's text of a note, notice or announcement was last written (ISO times). A text
 * changed in one language makes the others written before that change stale: they may say what is
 * no longer true, so they are served as the changed language's text, marked as such, until updated.
 * A language without a stamp was written before any stamped one (the knowledge base's files).
 */
export type Written = Record<string, string>;

const has = (text: Text, lang: string) => !!text[lang]?.trim();

/**
 * The note a change leaves: the one given replaces the one before in every language (a language it
 * leaves out is cleared, its readers get another's, marked); none given keeps the one before, unless
 * the record starts afresh (a new status: a note belongs to the status it was written for), which
 * leaves none. Undefined: the change does not touch the note.
 */
export function replacedNote(before: Text | undefined, given: Text | undefined, fresh: boolean): Text | undefined {
  const note = given ?? (fresh ? {} : undefined);
  return note && Object.fromEntries(Object.keys({ ...before, ...note }).map((lang) => [lang, note[lang] ?? '']));
}
const time = (iso: string | undefined) => (iso ? Date.parse(iso) || 0 : 0);

/**
 * The stamps after `before` became `after` at `at`. An edit of a language that was current is a
 * change: the languages edited are written now, the others keep their time (and are stale). An edit
 * of stale languages only is their translation brought up to date: they become as fresh as the
 * freshest. A language that gets its first text (a translation added) is as fresh as the freshest
 * too, so that adding one makes nobody stale; an emptied one loses its stamp.
 */
export function restamp(before: Text, after: Text, written: Written = {}, at: string): Written {
  const out: Written = {};
  const edited = Object.keys(after).filter((l) => has(after, l) && has(before, l) && after[l]!.trim() !== before[l]!.trim());
  const stale = staleLangs(before, written);
  const change = edited.some((l) => !stale.includes(l));
  const caughtUp = newest(Object.fromEntries(Object.entries(written).filter(([l]) => has(before, l))));
  for (const lang of Object.keys(after)) {
    if (!has(after, lang)) continue;
    if (edited.includes(lang)) {
      const stamp = change ? at : caughtUp;
      if (stamp) out[lang] = stamp;
    } else if (has(before, lang) && written[lang]) out[lang] = written[lang];
  }
  const added = Object.keys(after).filter((l) => has(after, l) && !has(before, l));
  const freshest = newest(out);
  for (const lang of added) if (freshest) out[lang] = freshest;
  return out;
}

/** The latest stamp of the texts there are, or undefined. */
function newest(written: Written): string | undefined {
  return Object.values(written).sort((a, b) => time(b) - time(a))[0];
}

/** The languages whose text was written before another language's last change. */
export function staleLangs(text: Text, written: Written | undefined): string[] {
  if (!written) return [];
  const langs = Object.keys(text).filter((l) => has(text, l));
  const latest = Math.max(0, ...langs.map((l) => time(written[l])));
  return langs.filter((l) => time(written[l]) < latest);
}

/** The language written last (its text stands for the stale ones), or undefined when none is stamped. */
export function freshestLang(text: Text, written: Written | undefined): string | undefined {
  if (!written) return undefined;
  const langs = Object.keys(text).filter((l) => has(text, l) && written[l]);
  return langs.sort((a, b) => time(written[b]) - time(written[a]))[0];
}
