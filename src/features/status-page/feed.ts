import { create } from 'xmlbuilder2';
import { v5 as nameUuid } from 'uuid';
import type { Lang } from '../../knowledge/schema.js';
import { isServiceEntry, type AuditEntry, type AuditRecord, type ServiceSnapshot } from '../../storage/index.js';
import type { PageTexts } from './page.js';
import { isStatusChange, officeRuns, serviceRuns, subjectOf, type OrganisationState } from './snapshot.js';
import { capitalize, expectedWhen, pick } from './words.js';

/** Atom ids are IRIs that never change wherever the feed is served from: name-based UUIDs (RFC 9562, version 5) under this namespace. */
const NAMESPACE = 'f1c7a6de-31b5-4c35-9d53-6f0a4b2c8e17';
const ATOM = 'http://www.w3.org/2005/Atom';

/** How many changes a feed holds, newest first. */
export const FEED_ENTRIES = 50;

export interface FeedLinks {
  /** The feed itself (`rel="self"`). */
  self: string;
  /** The status page in the feed's language; an entry links to its office's or service's card there. */
  page: string;
}

/** What an entry's snapshots hold, for offices (expectedReopening, notes) and services (expected, note) alike. */
type Snapshot = Partial<Omit<AuditEntry['after'], 'status'>> & Partial<Omit<ServiceSnapshot, 'status'>> & { status?: string };

/**
 * The organisation's changes as an Atom feed in one language, from the audit log: one entry per
 * change of an office or service, its new status in the title, what it was before, its expected
 * return and its note in the content. Links may be relative: they resolve against the feed's own
 * address, on this server or wherever the export is published.
 */
export function atomFeed(org: OrganisationState, changes: AuditRecord[], lang: Lang, texts: PageTexts, links: FeedLinks, generatedAt: string): string {
  const { t } = texts;
  const orgName = pick(org.name, lang, org.language)?.text ?? org.id;
  const subjects = new Map<string, { name: Record<string, string>; kind: 'office' | 'service' }>([
    ...org.offices.map((o) => [o.id, { name: o.name, kind: 'office' }] as const),
    ...org.services.map((s) => [s.id, { name: s.name, kind: 'service' }] as const),
  ]);
  const own = changes.filter((e) => isStatusChange(e) && subjects.has(subjectOf(e))).slice(0, FEED_ENTRIES);
  const feed = create({ version: '1.0', encoding: 'utf-8' }).ele(ATOM, 'feed', { 'xml:lang': lang });
  feed.ele('id').txt(`urn:uuid:${nameUuid(`status/${org.id}`, NAMESPACE)}`);
  feed.ele('title').txt(t('entry.feed_title', { org_name: orgName }));
  feed.ele('updated').txt(own[0]?.at ?? org.lastChange ?? generatedAt);
  feed.ele('link', { rel: 'self', type: 'application/atom+xml', href: links.self });
  feed.ele('link', { rel: 'alternate', type: 'text/html', href: links.page });
  feed.ele('author').ele('name').txt(orgName);
  for (const entry of own) {
    const id = subjectOf(entry);
    const subject = subjects.get(id)!;
    const statusName = (status: string | undefined) => t(`${subject.kind}.${status}`);
    const after = entry.after as Snapshot;
    const before = entry.before as Snapshot;
    const name = capitalize(pick(subject.name, lang, org.language)?.text ?? id);
    const runs = subject.kind === 'office' ? officeRuns(after.status) : serviceRuns(after.status);
    const when = runs ? undefined : expectedWhen(after.expectedReopening || after.expected, lang, org.language, org.timeZone);
    const note = pick(after.notes, lang, org.language) ?? pick(after.note, lang, org.language);
    const content = [
      before.status !== after.status && t('entry.before', { status: statusName(before.status) }),
      !isServiceEntry(entry) && entry.undoes && t('entry.undo'),
      when && t(`entry.expected_${subject.kind}`, { when: when.text }),
      note && (note.lang === lang ? t('entry.note', { note: note.text }) : t('entry.note_in', { note: note.text, language: texts.bot(`note_language.${note.lang}`) })),
    ].filter(Boolean);
    const item = feed.ele('entry');
    item.ele('id').txt(`urn:uuid:${nameUuid(`status/${org.id}/${entry.change ?? `${id}@${entry.at}`}`, NAMESPACE)}`);
    item.ele('title').txt(t('entry.title', { name, status: statusName(after.status) }));
    item.ele('updated').txt(new Date(entry.at).toISOString());
    item.ele('link', { rel: 'alternate', type: 'text/html', href: `${links.page}#${id}` });
    item.ele('content', { type: 'text' }).txt(content.length ? content.join('\n') : t('entry.title', { name, status: statusName(after.status) }));
  }
  return feed.end({ prettyPrint: true });
}
