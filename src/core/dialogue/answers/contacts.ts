import { localized } from '../../../knowledge/knowledge.js';
import type { Contact, Office, Organisation } from '../../../knowledge/schema.js';
import { nameValues, bullet, lines, names, openOffices, phoneText, sentences, shortList, type AnswerContext, type Speaking } from '../context.js';
import type { Answer } from '../types.js';
import { suggestions } from './suggestions.js';

type Kind = 'phone' | 'email';
const TYPES: Record<Kind, Contact['type'][]> = { phone: ['switchboard', 'phone'], email: ['email', 'pec'] };

/** The organisation's contacts of a kind: the office's own first (its other offices' only when it has none). */
function found(org: Organisation, office: Office | undefined, kind: Kind): Contact[] {
  const all = org.contacts.filter((c) => TYPES[kind].includes(c.type));
  const own = office ? all.filter((c) => c.office === office.id) : [];
  const value = kind === 'phone' ? office?.phone : office?.email;
  if (office && value && !own.some((c) => c.value === value)) own.unshift({ type: kind, value, office: office.id });
  return own.length > 0 ? [...own, ...all.filter((c) => !c.office)] : all;
}

const valueText = (ctx: Speaking, c: Contact, org: Organisation) => (TYPES.phone.includes(c.type) ? phoneText(ctx, c.value, org) : c.value);

/** One contact as a list item: "Centralita de Como: <number>". */
function contactLine(ctx: Speaking, c: Contact, org: Organisation): string {
  const { k, t, lang } = ctx;
  const where = c.office ? k.office(c.office) : undefined;
  const label = t(`contact.label.${c.type}`);
  const at = where ? (where.short[lang] ?? localized(where.name, lang)) : undefined;
  return bullet(`${at ? t('contact.label_at', { label, at }) : label}: ${valueText(ctx, c, org)}`);
}

/** One contact as a sentence: "La centralita de la sede de ATS Insubria en Como es el <number>." */
function contactSentence(ctx: Speaking, c: Contact, org: Organisation): string {
  const where = c.office ? ctx.k.office(c.office) : undefined;
  return ctx.t(`contact.one.${c.type}`, { ...nameValues(ctx.lang, where, org), ...(where ? {} : { office_of: nameValues(ctx.lang, undefined, org).org_of }), value: valueText(ctx, c, org) });
}

function listOrSentence(ctx: Speaking, list: Contact[], org: Organisation, intro: string): string {
  if (list.length === 1) return contactSentence(ctx, list[0], org);
  return lines(intro, ...list.map((c) => contactLine(ctx, c, org)));
}

/** "You can go in person to any open OMAC: A or B." None when no office is open or the organisation has no words for it. */
export function inPerson(ctx: Speaking, org: Organisation, open: Office[]): string | undefined {
  const anyOpen = org.anyOpenOffice[ctx.lang];
  return open.length > 0 && anyOpen ? ctx.t('contact.alt_offices', { any_open: anyOpen, offices: shortList(open, ctx.lang, 'disjunction') }) : undefined;
}

/**
 * What serves the same need when a kind of contact is missing: the other kind, phone help, the
 * online office, the open offices in person, the official website. Never an unrelated sentence.
 */
function instead(ctx: Speaking, org: Organisation, missing: Kind): string {
  const { k, t, lang } = ctx;
  const other: Kind = missing === 'phone' ? 'email' : 'phone';
  const otherContacts = found(org, undefined, other);
  const open = openOffices(k, org.id);
  const online = localized(org.online, lang);
  const site = localized(org.officialSite, lang);
  return lines(
    otherContacts.length > 0 && listOrSentence(ctx, otherContacts, org, t(`contact.instead_${other}`, nameValues(ctx.lang, undefined, org))),
    sentences(
      missing === 'email' && org.phoneAssistance && otherContacts.length === 0 && t('contact.phone_help_no_number', nameValues(ctx.lang, undefined, org)),
      online && t('contact.alt_online', { online }),
      inPerson(ctx, org, open),
      site && site !== online && t('contact.alt_site', { site }),
    ),
  );
}

export function contacts(ctx: AnswerContext, kind: Kind): Answer {
  const { t, office } = ctx;
  const org = ctx.org!;
  const list = found(org, office, kind);
  const n = names(ctx);
  const quickReplies = suggestions(ctx, ['open_offices', 'help']);
  if (list.length > 0) return { text: listOrSentence(ctx, list, org, t(kind === 'phone' ? 'contact.phones' : 'contact.emails', n)), quickReplies };
  // The office when the message named it; else the organisation (its only office is not a new subject).
  const target = office && ctx.entities.office === office.id ? n.office_of : n.org_of;
  const none = kind === 'phone' && org.phoneAssistance ? t('contact.phone_help_no_number', n) : t(`contact.no_${kind}`, { ...n, target });
  return { text: lines(none, instead(ctx, org, kind)), quickReplies };
}

/** How to reach the organisation's staff: its phones and emails, else phone help and what serves instead. The first part leads. */
function reachParts(ctx: Speaking, org: Organisation): [string, ...string[]] {
  const { t } = ctx;
  const reach = [...found(org, undefined, 'phone'), ...found(org, undefined, 'email')];
  const n = nameValues(ctx.lang, undefined, org);
  if (reach.length > 0) return [t('human.contacts', n), ...reach.map((c) => contactLine(ctx, c, org))];
  return [org.phoneAssistance ? t('contact.phone_help_no_number', n) : '', instead(ctx, org, 'phone')];
}

/** The organisation's ways to reach its staff, on their own (a hand-over nobody has answered yet). */
export const staffContacts = (ctx: Speaking, org: Organisation): string => lines(...reachParts(ctx, org));

/** "I want to talk to a person": the conversation's organisation's ways to reach its staff. */
export function human(ctx: AnswerContext): Answer {
  const [lead, ...rest] = reachParts(ctx, ctx.org!);
  return { text: lines(sentences(ctx.t('human.cannot'), lead), ...rest), quickReplies: suggestions(ctx, ['open_offices']) };
}

/**
 * Where a citizen can ask for what the bot does not have (hours, an address, whether their data
 * is safe): the official website, else an email, else a phone number, else an open office.
 * Returns a clause ("puede consultarlo en la web municipal del Ayuntamiento de Elche").
 */
export function askChannel(ctx: AnswerContext, need: 'hours' | 'location' | 'data' | 'appointment' | 'figures' | 'deregistration'): string | undefined {
  const { k, t, lang } = ctx;
  const org = ctx.org ?? k.organisation(ctx.office?.organisation);
  if (!org) return undefined;
  const site = localized(org.officialSite, lang);
  if (site) return t(`ask.site_${need}`, { site });
  const email = found(org, ctx.office, 'email')[0];
  if (email) return t('ask.email', { email: email.value });
  const phone = found(org, ctx.office, 'phone')[0];
  if (phone) return t('ask.phone', { number: phoneText(ctx, phone.value, org) });
  const anyOpen = org.anyOpenOffice[lang];
  return anyOpen ? t('ask.offices', { any_open: anyOpen }) : undefined;
}
