import { localized, type Knowledge } from '../knowledge/knowledge.js';
import type { Lang, Office } from '../knowledge/schema.js';
import type { Translate } from '../shared/i18n.js';
import { announcementText, officeStatus } from '../core/dialogue/answers/status.js';
import type { Notice } from './notices.js';

/**
 * What a subscriber reads: an announcement, or the office's status as the bot answers it, headed
 * as an update or, after an undo, as a correction. The knowledge is the one in service, or a copy
 * with a change tried on (the console's preview).
 */
export function noticeText(k: Knowledge, t: Translate, lang: Lang, office: Office): string {
  const { announcement, correction } = office as Notice;
  if (announcement) return announcementText({ k, t, lang }, announcement);
  return `${t(correction ? 'notify.corrected' : 'notify.changed', { office: localized(office.name, lang) })}\n${officeStatus({ k, t, lang }, office)}`;
}
