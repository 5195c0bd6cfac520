import { localized, type Knowledge } from '../../knowledge/knowledge.js';
import type { Lang, Office } from '../../knowledge/schema.js';
import type { Translate } from '../../shared/i18n.js';
import { announcementText, officeStatus } from '../../conversation/answers/status.js';
import { serviceStatus } from '../../conversation/answers/services.js';
import type { Notice } from './notices.js';
import { crisisNoticeText } from '../crisis/crisis-notices.js';

/**
 * What a subscriber reads: an announcement (or a post to a channel), a service's state, or the
 * office's status as the bot answers it, headed as an update or, after an undo, as a correction.
 * The knowledge is the one in service, or a copy with a change tried on (the console's preview).
 */
export function noticeText(k: Knowledge, t: Translate, lang: Lang, office: Office): string {
  const { announcement, correction, aboutService: service, post } = office as Notice;
  if (announcement) return announcementText({ k, t, lang }, announcement);
  if (post?.crisis) return crisisNoticeText(k, t, lang, { org: post.org, text: post.texts, written: post.written });
  if (post) return announcementText({ k, t, lang }, post);
  if (service) return `${t('notify.changed', { office: localized(service.name, lang) })}\n${serviceStatus({ k, t, lang }, service)}`;
  return `${t(correction ? 'notify.corrected' : 'notify.changed', { office: localized(office.name, lang) })}\n${officeStatus({ k, t, lang }, office)}`;
}
