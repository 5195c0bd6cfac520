import { localized } from '../../knowledge/knowledge.js';
import type { Lang, Office, Organisation, Text } from '../../knowledge/schema.js';
import type { Written } from '../../knowledge/freshness.js';
import type { Translate } from '../../shared/i18n.js';
import { intlLocale } from '../../shared/languages.js';
import { asksAnotherDay, nameValues, inSomeLanguage, isOpen, lines, listOf, names, openOffices, quick, sentences, shortList, type AnswerContext } from '../context.js';
import type { Answer } from '../types.js';
import type { QuickReply } from '../../domain/types.js';
import { askChannel, askMore } from './contacts.js';
import { suggestions } from './suggestions.js';
import { subscribeService, topicService } from './services.js';

type StatusContext = Pick<AnswerContext, 'k' | 't' | 'lang'>;

// A DateTimeFormat takes ~70 µs to build, more than the rest of a turn: one per language and style
// ('medium' for when staff last changed an office, 'full' for the expected reopening).
const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(lang: Lang, dateStyle: 'medium' | 'full' = 'medium'): Intl.DateTimeFormat {
  const key = `${lang}:${dateStyle}`;
  let format = dateFormats.get(key);
  if (!format) dateFormats.set(key, (format = new Intl.DateTimeFormat(intlLocale(lang), { dateStyle, timeStyle: 'short', timeZone: 'Europe/Madrid' })));
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
  return sentences(t(`status.${office.status}`, n), expected({ t, lang }, office));
}

/** When a closed office is expected to reopen: a date in this language's format, or the words staff gave; '' when unknown. */
function expected({ t, lang }: Pick<StatusContext, 't' | 'lang'>, office: Office): string {
  const n = nameValues(lang, office);
  const at = reopeningDate(office);
  if (at) return t('status.expected_at', { ...n, date: dateFormat(lang, 'full').format(at) });
  const when = localized(office.expectedReopening, lang);
  return when ? t('status.expected', { ...n, when }) : '';
}

/**
 * A yes/no question about an office ("¿Está abierta…?", "¿Sigue cerrada…?"): yes or no first, from
 * its status and what was asked (open, unless the question asks whether it is closed); a limited
 * office is open, with its limits.
 */
function yesNo(ctx: StatusContext, office: Office, asked: string | undefined): string | undefined {
  const { t, lang } = ctx;
  const n = nameValues(lang, office);
  if (office.status === 'limited') {
    // Working, but whether it sees people at its door the facts do not say (ATS Insubria: by phone): that first.
    if (!seesPeople(office)) return sentences(t('status.in_person_unknown', n), statusLine(ctx, office));
    return asked === 'closed' ? sentences(t('answer.no'), statusLine(ctx, office)) : t('status.yes_limited', { ...n, service: localized(office.service, lang) || modesOf(t, office, lang) });
  }
  const open = isOpen(office);
  if (asked === 'closed') return sentences(t(open ? 'status.no_open' : 'status.yes_closed', n), !open && expected(ctx, office));
  if (!open) return sentences(t('status.no_closed', n), expected(ctx, office));
  return t(office.reopened ? 'status.yes_reopened' : 'status.yes_open', { ...n, modes: modesOf(t, office, lang) });
}

/** Whether an office sees people in person (at all, or by appointment), by what the facts say of it. */
const seesPeople = (office: Office) => office.modes.includes('in_person') || office.modes.includes('appointment');

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

/** Everything about one office's status: also the text of a status-change notice. `lead` replaces its first sentence (the answer to a yes/no or when question). */
export function officeStatus(ctx: StatusContext, office: Office, lead?: string): string {
  const { k, t, lang } = ctx;
  return lines(
    sentences(lead ?? statusLine(ctx, office), inSomeLanguage(k, t, office.notes, office.organisation, lang, 'status.note_in', office.notesWritten)),
    !isOpen(office) && alternatives(ctx, office),
    office.updatedAt && t('status.updated', { date: formatDate(office.updatedAt, lang) }),
  );
}

/** An announcement's notice: whom it is from (the office, or the organisation), then its text in the subscriber's language or marked as another. */
export function announcementText(ctx: StatusContext, a: { org: string; office?: string; texts: Text; written?: Written }): string {
  const { k, t, lang } = ctx;
  const office = a.office ? k.office(a.office) : undefined;
  const heading = office ? t('notify.changed', { office: localized(office.name, lang) }) : t('notify.announcement', nameValues(lang, undefined, k.organisation(a.org)));
  return `${heading}\n${inSomeLanguage(k, t, a.texts, a.org, lang, 'notify.message_in', a.written)}`;
}

/** "Notify me when El Altet reopens": the quick reply under a closed office. */
export function subscribeChoice(t: Translate, office: Office, lang: Lang): QuickReply {
  return quick(t('quick.subscribe_office', nameValues(lang, office)));
}

/** One organisation's offices: which are open, in one sentence, then each office that is not simply open (closed, limited). */
function orgBoard(ctx: StatusContext, org: Organisation): string {
  const { k, t, lang } = ctx;
  const offices = k.officesOf(org.id);
  const open = offices.filter((o) => o.status === 'open');
  const others = offices.filter((o) => o.status !== 'open');
  if (offices.length === 1) return statusLine(ctx, offices[0]);
  const n = nameValues(lang, undefined, org);
  return sentences(
    open.length === offices.length ? t('board.all_open', { ...n, offices: shortList(open, lang) }) : open.length > 0 && t('board.open_now', { ...n, offices: shortList(open, lang) }),
    ...others.map((o) => statusLine(ctx, o)),
  );
}

/** The status board: the conversation's organisation only; with none known, each organisation under its name. */
export function statusBoard(ctx: StatusContext & { org?: Organisation }): string {
  const { k, t, lang, org } = ctx;
  if (org) return orgBoard(ctx, org);
  return k.organisations
    .map((o) => {
      const place = localized(o.place, lang);
      const name = localized(o.name, lang);
      return lines(place ? t('board.org_place', { name, place }) : t('board.org', { name }), orgBoard(ctx, o));
    })
    .join('\n\n');
}

/**
 * Whether an office is open: yes or no first to a yes/no question, when it reopens first to a
 * when-question (or that the bot does not know when a limited office serves normally again), then
 * its status; with no office, the organisation's board.
 */
export function status(ctx: AnswerContext): Answer {
  const { k, t, lang, org, frame } = ctx;
  // An organisation with one office: that office's status.
  const only = org && !ctx.office ? k.officesOf(org.id) : [];
  const office = ctx.office ?? (only.length === 1 ? only[0] : undefined);
  if (!office) {
    const offices = org ? k.officesOf(org.id) : k.offices;
    const closed = offices.filter((o) => !isOpen(o));
    // "Can one go to the ATS desks?": that the bot does not know, first, then what works and whom to ask.
    const unknown = org && frame.act === 'yes_no' && offices.every((o) => o.status === 'limited' && !seesPeople(o));
    return {
      text: sentences(unknown && t('board.in_person_unknown', names(ctx)), statusBoard({ k, t, lang, org })),
      next: unknown ? askMore(ctx) : undefined,
      quickReplies: [...closed.map((o) => subscribeChoice(t, o, lang)), ...suggestions(ctx, ['phones', 'help'])],
    };
  }
  const n = nameValues(lang, office);
  const lead =
    frame.act === 'yes_no'
      ? yesNo(ctx, office, ctx.entities.state)
      : frame.act === 'when' && office.status === 'limited'
        ? sentences(t('status.when_unknown', n), statusLine(ctx, office))
        : frame.act === 'when' && !isOpen(office) && expected(ctx, office)
          ? sentences(expected(ctx, office), t(`status.${office.status}`, n))
          : undefined;
  const quickReplies = isOpen(office) ? suggestions(ctx, ['phones', 'certificate']) : [subscribeChoice(t, office, lang), ...suggestions(ctx, ['open_offices'])];
  const ask = frame.act === 'yes_no' && office.status === 'limited' && !seesPeople(office);
  return { text: officeStatus(ctx, office, lead), next: ask ? askMore(ctx) : undefined, quickReplies };
}

/** Opening hours, or that the bot does not have them and where they are published; of every office when none is named. */
export function hours(ctx: AnswerContext): Answer {
  const { t, lang } = ctx;
  const office = ctx.office ?? single(ctx);
  const ask = askChannel(ctx, 'hours');
  if (!office) {
    const n = names(ctx);
    return { text: ask ? t('hours.unknown_org_ask', { ...n, ask }) : t('hours.unknown_org', n), context: openNow(ctx), quickReplies: suggestions(ctx, ['open_offices']) };
  }
  const n = nameValues(lang, office, ctx.org);
  const known = localized(office.hours, lang);
  if (known) return { text: sentences(t('hours.known', { ...n, hours: known }), !isOpen(office) && statusLine(ctx, office)) };
  // An open office, or a question about another day ("¿abre los sábados?"): that the hours are
  // unknown, and where to find them, is the answer; its status follows. A closed one: when it
  // reopens answers "when does it open?" best, so it comes first.
  const unknown = (key: 'unknown' | 'unknown_named') => (ask ? t(`hours.${key}_ask`, { ...n, ask }) : t(`hours.${key}`, n));
  const hoursFirst = isOpen(office) || asksAnotherDay(ctx.frame);
  return {
    text: hoursFirst ? unknown('unknown_named') : officeStatus(ctx, office),
    context: hoursFirst ? statusLine(ctx, office) : unknown('unknown'),
    quickReplies: isOpen(office) ? suggestions(ctx, ['phones']) : [subscribeChoice(t, office, lang)],
  };
}

/** Where an office is, or that the bot does not have its address and where to look; with none named, where one can go now. */
export function location(ctx: AnswerContext): Answer {
  const { t, lang } = ctx;
  const office = ctx.office ?? single(ctx);
  const ask = askChannel(ctx, ctx.office || single(ctx) ? 'location' : 'more');
  if (!office) {
    const n = names(ctx);
    // Offices at work that may not see people (ATS Insubria's answer by phone): that is unknown, not "none open".
    const working = ctx.org && ctx.k.officesOf(ctx.org.id).some(isOpen);
    return { text: sentences(openNow(ctx) || t(working ? 'board.in_person_unknown' : 'board.none_open', n), ask ? t('location.unknown_org_ask', { ...n, ask }) : t('location.unknown_org', n)), quickReplies: suggestions(ctx, ['phones']) };
  }
  const n = nameValues(lang, office, ctx.org);
  if (office.address) return { text: sentences(t('location.known', { ...n, address: office.address }), !isOpen(office) && statusLine(ctx, office)) };
  return {
    text: ask ? t('location.unknown_ask', { ...n, ask }) : t('location.unknown', n),
    context: !isOpen(office) ? statusLine(ctx, office) : undefined,
    quickReplies: suggestions(ctx, ['phones']),
  };
}

/** The organisation's only office, if it has one. */
function single(ctx: AnswerContext): Office | undefined {
  const offices = ctx.org ? ctx.k.officesOf(ctx.org.id) : [];
  return offices.length === 1 ? offices[0] : undefined;
}

/** "You can go to any open OMAC: A, B or C.": the offices that see people (ATS Insubria's answer by phone: none). */
function openNow(ctx: AnswerContext): string {
  const { k, t, lang, org } = ctx;
  const open = org ? k.officesOf(org.id).filter((o) => isOpen(o) && seesPeople(o)) : [];
  const anyOpen = org?.anyOpenOffice[lang];
  if (open.length === 0) return '';
  return anyOpen ? t('status.alternatives_now', { any_open: anyOpen, offices: shortList(open, lang, 'disjunction') }) : t('board.open_now', { ...names(ctx), offices: shortList(open, lang) });
}

/**
 * "Tell me when it reopens": a closed office is subscribed to; one that is already open is said to
 * be open, with the offer to notify of any change (a yes or the quick reply takes it).
 */
export async function subscribe(ctx: AnswerContext): Promise<Answer> {
  const { t, lang, address, session } = ctx;
  const service = topicService(ctx);
  if (service) return subscribeService(ctx, service);
  const office = ctx.office!;
  if (address.channel === 'cli') return { text: t('subscribe.unsupported') };
  const pending = session.pending;
  const confirmed = pending?.confirm && pending.intent === 'subscribe_updates' && pending.office === office.id;
  if (confirmed && ctx.entities.answer === 'no') return { text: t('answer.declined'), quickReplies: suggestions(ctx, ['open_offices']) };
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

/**
 * "Stop the notices": the office named, if the citizen has its notices; else all of them. The
 * reply says which were removed.
 */
export async function unsubscribe(ctx: AnswerContext): Promise<Answer> {
  const { k, t, lang } = ctx;
  const had = await ctx.subscriptions.offices(ctx.address);
  if (had.length === 0) return { text: t('unsubscribe.none') };
  const named = ctx.entities.office && had.includes(ctx.entities.office) ? ctx.entities.office : undefined;
  await ctx.subscriptions.remove(ctx.address, named);
  const ids = named ? [named] : had;
  const removed = ids.map((id) => k.office(id)).filter((o): o is Office => !!o);
  // Services' notices too ("the website"): named by a sentence of their own.
  const services = listOf(ids.flatMap((id) => k.serviceById(id) ?? []).map((s) => localized(s.name, lang)), lang);
  return {
    text: sentences(
      removed.length > 0 && t('unsubscribe.done', { offices: listOf(removed.map((o) => nameValues(lang, o).office_of), lang) }),
      services && t(removed.length > 0 ? 'unsubscribe.services_also' : 'unsubscribe.services', { services }),
    ),
  };
}
