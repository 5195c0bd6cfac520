// How an office's state reads in the console: the board, its editor and the audit log share these.
import { inLang, t, when } from './i18n.js';

export const STATUSES = ['open', 'limited', 'closed', 'reopening'];
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** The expected reopening: a date in the console's format, or the words. */
export function reopeningShown(value) {
  if (typeof value === 'string' && ISO_TIME.test(value)) return when(value);
  return inLang(value);
}

/** Who made a change, in words: a username, or the IT team for the token and the terminal (scripts, `npm run admin`). */
export const actorName = (actor) => (actor === 'api-token' || actor.startsWith('cli:') ? t('actors.token') : actor);

/** "Since 7 Dec 2026, 10:30, by ana". */
export function sinceText(office) {
  if (!office.updatedAt) return t('board.never');
  return office.updatedBy ? t('board.sinceBy', { when: when(office.updatedAt), who: actorName(office.updatedBy) }) : t('board.since', { when: when(office.updatedAt) });
}
