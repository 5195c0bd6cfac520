import { localized } from '../../../knowledge/knowledge.js';
import { type Lang, type Office, type Organisation, type Text } from '../../../knowledge/schema.js';
import type { Knowledge } from '../../../knowledge/knowledge.js';
import type { Translate } from '../../../shared/i18n.js';
import { nameValues, bullet, isOpen, lines, listOf, names, openOffices, quick, sentences, shortList, type AnswerContext } from '../context.js';
import type { Answer, QuickReply } from '../types.js';
import { askChannel } from './contacts.js';
import { suggestions } from './suggestions.js';

type StatusContext = Pick<AnswerContext, 'k' | 't' | 'lang'>;

// A DateTimeFormat takes ~70 µs to build, more than the rest of a turn: one per language and style
// ('medium' for when staff last changed an office, 'full' for the expected reopening).
const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(lang: Lang, dateStyle: 'medium' | 'full' = 'medium'): Intl.DateTimeFormat {
  const key = `${lang}:${dateStyle}`;
  let format = dateFormats.get(key);
  if (!format) dateFormats.set(key, (format = new Intl.DateTimeFormat(lang, { dateStyle, timeStyle: 'short', timeZone: 'Europe/Madrid' })));
  return format;
}

function formatDate(iso: string, lang: Lang): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateFormat(lang).format(d);
}

/** An expected reopening staff gave as a date and time (with its offset), not as words. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The expected reopening as a date in this language's own format, or undefined when it is words (or none). */
function reopeningDate(office: Office): Date | undefined {
  const value = typeof office.expectedReopening === 'string' ? office.expectedReopening : '';
  const d = DATE_TIME.test(value) ? new Date(value) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}

/**
 * A text staff wrote in some languages (a note, an announcement): this language's, else the
 * organisation's language's, else the first there is, marked with its language so that the
 * reader knows why it is in another one.
 */
export function inSomeLanguage(k: Knowledge, t: Translate, text: Text, orgId: string, lang: Lang, key: 'status.note_in' | 'notify.message_in'): string {
  const own = text[lang]?.trim();
  if (own) return own;
  const first = k.organisation(orgId)?.language;
  const other = [...(first ? [first] : []), ...Object.keys(text)].find((l) => text[l]?.trim());
  if (!other) return '';
  const value = text[other]!.trim();
  return t(key, { language: t(`note_language.${other}`), note: value, text: value });
}

const modesOf = (t: Translate, office: Office, lang: Lang) => listOf(office.modes.map((m) => t(`mode.${m}`)), lang);

/**
 * The first sentence about an office: open (and how it serves), limited (and what still works),
 * or closed (and when it is expected back). A closed office's modes are never shown as current.
 */
export function statusLine({ t, lang }: StatusContext, office: Office): string {
  const n = nameValues(lang, office);
  const modes = modesOf(t, office, lang);
  if (office.status === 'open') {
    const key = office.reopened ? 'status.reopened' : 'status.open';
    return t(modes ? key : `${key}_plain`, { ...n, modes });
  }
  if (office.status === 'limited') {
    const service = localized(office.service, lang) || modes;
    return t(service ? 'status.limited' : 'status.limited_plain', { ...n, service });
  }
  const at = reopeningDate(office);
  const when = at ? '' : localized(office.expectedReopening, lang);
  return sentences(
    t(`status.${office.status}`, n),
    at && t('status.expected_at', { ...n, date: dateFormat(lang, 'full').format(at) }),
    when && t('status.expected', { ...n, when }),
    modes && t('status.will_serve', { ...n, modes }),
  );
}

/** The other open offices of the same organisation, for a citizen facing a closed door. */
function alternatives({ k, t, lang }: StatusContext, office: Office): string | undefined {
  const open = openOffices(k, office.organisation).filter((o) => o.id !== office.id);
  if (open.length === 0) return undefined;
  const org = k.organisation(office.organisation);
  const anyOpen = org?.anyOpenOffice[lang];
  return anyOpen
    ? t('status.alternatives', { any_open: anyOpen, offices: shortList(open, lang, 'disjunction') })
    : t('status.alternatives_plain', { offices: listOf(open.map((o) => localized(o.name, lang)), lang, 'disjunction') });
}

/** Everything about one office's status: also the text of a status-change notice. */
export function officeStatus(ctx: StatusContext, office: Office): string {
  const { k, t, lang } = ctx;
  return lines(
    sentences(statusLine(ctx, office), inSomeLanguage(k, t, office.notes, office.organisation, lang, 'status.note_in')),
    !isOpen(office) && alternatives(ctx, office),
    office.updatedAt && t('status.updated', { date: formatDate(office.updatedAt, lang) }),
  );
}

/** An announcement's notice: whom it is from (the office, or the organisation), then its text in the subscriber's language or marked as another. */
export function announcementText(ctx: StatusContext, a: { org: string; office?: string; texts: Text }): string {
  const { k, t, lang } = ctx;
  const office = a.office ? k.office(a.office) : undefined;
  const heading = office ? t('notify.changed', { office: localized(office.name, lang) }) : t('notify.announcement', nameValues(lang, undefined, k.organisation(a.org)));
  return `${heading}\n${inSomeLanguage(k, t, a.texts, a.org, lang, 'notify.message_in')}`;
}

/** "Notify me when El Altet reopens": the quick reply under a closed office. */
export function subscribeChoice(t: Translate, office: Office, lang: Lang): QuickReply {
  return quick(t('quick.subscribe_office', nameValues(lang, office)));
}

function boardLine(ctx: StatusContext, office: Office): string {
  const { t, lang } = ctx;
  const name = localized(office.name, lang);
  if (office.status === 'limited') {
    const service = localized(office.service, lang);
    return bullet(service ? t('board.limited', { name, service }) : `${name}: ${t('status_short.limited')}`);
  }
  const at = reopeningDate(office);
  if (!isOpen(office) && at) return bullet(t('board.closed_until_at', { name, date: dateFormat(lang, 'full').format(at) }));
  const when = localized(office.expectedReopening, lang);
  if (!isOpen(office) && when) return bullet(t('board.closed_until', { name, when }));
  return bullet(`${name}: ${t(`status_short.${office.status}`)}`);
}

function orgBlock(ctx: StatusContext, org: Organisation, heading: boolean): string {
  const { k, t, lang } = ctx;
  const place = localized(org.place, lang);
  return lines(
    heading && (place ? t('board.org_place', { name: localized(org.name, lang), place }) : t('board.org', { name: localized(org.name, lang) })),
    ...k.officesOf(org.id).map((o) => boardLine(ctx, o)),
  );
}

/** The status board: the conversation's organisation only; with none known, grouped by organisation. */
export function statusBoard(ctx: StatusContext & { org?: Organisation }): string {
  const { k, t, lang, org } = ctx;
  if (org) return lines(t('board.title_org', nameValues(lang, undefined, org)), orgBlock(ctx, org, false));
  return [t('board.title'), ...k.organisations.map((o) => orgBlock(ctx, o, true))].join('\n\n');
}

export function status(ctx: AnswerContext): Answer {
  const { k, t, lang, org } = ctx;
  // An organisation with one office: that office's status.
  const only = org && !ctx.office ? k.officesOf(org.id) : [];
  const office = ctx.office ?? (only.length === 1 ? only[0] : undefined);
  if (!office) {
    const closed = (org ? k.officesOf(org.id) : k.offices).filter((o) => !isOpen(o));
    return {
      text: statusBoard({ k, t, lang, org }),
      quickReplies: [...closed.map((o) => subscribeChoice(t, o, lang)), ...suggestions(ctx, ['phones', 'help'])],
    };
  }
  const quickReplies = isOpen(office) ? suggestions(ctx, ['phones', 'certificate']) : [subscribeChoice(t, office, lang), ...suggestions(ctx, ['open_offices'])];
  return { text: officeStatus(ctx, office), quickReplies };
}

/** Opening hours, or the office's status and where the hours can be found. */
export function hours(ctx: AnswerContext): Answer {
  const { t, lang } = ctx;
  const office = ctx.office!;
  const known = localized(office.hours, lang);
  if (known) return { text: sentences(t('hours.known', { ...names(ctx), hours: known }), !isOpen(office) && statusLine(ctx, office)) };
  const ask = askChannel(ctx, 'hours');
  // An open office: that the hours are unknown, and where to find them, is the answer; its status
  // follows. A closed one: when it reopens answers "when does it open?" best, so it comes first.
  const unknown = (key: 'unknown' | 'unknown_named') => (ask ? t(`hours.${key}_ask`, { ...names(ctx), ask }) : t(`hours.${key}`, names(ctx)));
  return {
    text: isOpen(office) ? sentences(unknown('unknown_named'), statusLine(ctx, office)) : lines(officeStatus(ctx, office), unknown('unknown')),
    quickReplies: isOpen(office) ? suggestions(ctx, ['phones']) : [subscribeChoice(t, office, lang)],
  };
}

export function location(ctx: AnswerContext): Answer {
  const { t } = ctx;
  const office = ctx.office!;
  if (office.address) return { text: sentences(t('location.known', { ...names(ctx), address: office.address }), !isOpen(office) && statusLine(ctx, office)) };
  const ask = askChannel(ctx, 'location');
  return {
    text: ask ? t('location.unknown_ask', { ...names(ctx), ask }) : t('location.unknown', names(ctx)),
    quickReplies: suggestions(ctx, ['phones']),
  };
}

/**
 * "Tell me when it reopens": a closed office is subscribed to; one that is already open is said to
 * be open, with the offer to notify of any change (a yes or the quick reply takes it).
 */
export async function subscribe(ctx: AnswerContext): Promise<Answer> {
  const { t, lang, address, session } = ctx;
  const office = ctx.office!;
  if (address.channel === 'cli') return { text: t('subscribe.unsupported') };
  const confirmed = session.pending?.confirm && session.pending.office === office.id;
  if (office.status === 'open' && !confirmed) {
    return {
      text: sentences(statusLine(ctx, office), t('subscribe.offer_anyway')),
      quickReplies: [quick(t('quick.notify_anyway', names(ctx)))],
      pending: { intent: 'subscribe_updates', office: office.id, confirm: true },
    };
  }
  const added = await ctx.subscriptions.add(office.id, address, lang);
  const days = ctx.subscriptions.lifetimeDays?.(address); // a web chat's subscription ends: the citizen is told when
  return {
    text: sentences(t(added ? 'subscribe.done' : 'subscribe.already', names(ctx)), days !== undefined && t('subscribe.expires', { count: days })),
    quickReplies: suggestions(ctx, ['open_offices']),
  };
}

export async function unsubscribe(ctx: AnswerContext): Promise<Answer> {
  const { t, office } = ctx;
  const removed = await ctx.subscriptions.remove(ctx.address, office?.id);
  if (removed === 0) return { text: t('unsubscribe.none') };
  return { text: office ? t('unsubscribe.done', names(ctx)) : t('unsubscribe.all') };
}

