import { serviceState } from './services.js';
import { localized } from '../../knowledge/knowledge.js';
import type { Contact, Office, Organisation } from '../../knowledge/schema.js';
import { nameValues, bullet, capitalize, lines, names, openOffices, phoneText, sentences, shortList, type AnswerContext, type Speaking } from '../context.js';
import type { Answer } from '../types.js';
import { suggestions } from './suggestions.js';

export { serviceState };

type Kind = 'phone' | 'email';
const TYPES: Record<Kind, Contact['type'][]> = { phone: ['switchboard', 'phone'], email: ['email', 'pec'] };

/** The organisation's contacts of a kind: the office's own first (its other offices' only when it has none); the PEC first when asked for. */
function found(org: Organisation, office: Office | undefined, kind: Kind, pecFirst = false): Contact[] {
  const all = org.contacts.filter((c) => TYPES[kind].includes(c.type));
  const own = office ? all.filter((c) => c.office === office.id) : [];
  const value = kind === 'phone' ? office?.phone : office?.email;
  if (office && value && !own.some((c) => c.value === value)) own.unshift({ type: kind, value, office: office.id, label: {} });
  const list = own.length > 0 ? [...own, ...all.filter((c) => !c.office)] : all;
  return pecFirst ? [...list.filter((c) => c.type === 'pec'), ...list.filter((c) => c.type !== 'pec')] : list;
}

export const valueText = (ctx: Speaking, c: Contact, org: Organisation) => (TYPES.phone.includes(c.type) ? phoneText(ctx, c.value, org) : c.value);

/** One contact as a list item: "Centralita de Como: <number>". */
export function contactLine(ctx: Speaking, c: Contact, org: Organisation): string {
  return bullet(`${label(ctx, c)}: ${valueText(ctx, c, org)}`);
}

export function label(ctx: Speaking, c: Contact): string {
  const { k, t, lang } = ctx;
  const where = c.office ? k.office(c.office) : undefined;
  const text = c.label?.[lang] || t(`contact.label.${c.type}`);
  const at = where ? (where.short[lang] ?? localized(where.name, lang)) : undefined;
  return at ? t('contact.label_at', { label: text, at }) : text;
}

/** One contact as a sentence: "La centralita de la sede de ATS Insubria en Como es el <number>." */
export function contactSentence(ctx: Speaking, c: Contact, org: Organisation): string {
  const where = c.office ? ctx.k.office(c.office) : undefined;
  return ctx.t(`contact.one.${c.type}`, { ...nameValues(ctx.lang, where, org), ...(where ? {} : { office_of: nameValues(ctx.lang, undefined, org).org_of }), value: valueText(ctx, c, org) });
}

/** Two or three contacts read best as sentences, more as a list under its heading. */
function listOrSentences(ctx: Speaking, list: Contact[], org: Organisation, intro: string): string {
  if (list.length <= 2) return sentences(...list.map((c) => contactSentence(ctx, c, org)));
  return lines(intro, ...list.map((c) => contactLine(ctx, c, org)));
}

/** "You can go in person to any open OMAC: A or B." None when no office is open or the organisation has no words for it. */
export function inPerson(ctx: Speaking, org: Organisation, open: Office[]): string | undefined {
  const anyOpen = org.anyOpenOffice[ctx.lang];
  return open.length > 0 && anyOpen ? ctx.t('contact.alt_offices', { any_open: anyOpen, offices: shortList(open, ctx.lang, 'disjunction') }) : undefined;
}

/** "Paiporta City Council is still helping people by phone, but I don't have the number." when it is so. */
export function phoneHelpNoNumber(ctx: Speaking, org: Organisation): string | undefined {
  return ctx.k.phoneHelp(org) && found(org, undefined, 'phone').length === 0 ? ctx.t('contact.phone_help_no_number', nameValues(ctx.lang, undefined, org)) : undefined;
}

/**
 * What serves the same need when a kind of contact is missing: the other kind, phone help, the
 * online office, the open offices in person, the official website. Never an unrelated sentence.
 */
function instead(ctx: Speaking, org: Organisation, missing: Kind): string {
  const { k, t, lang } = ctx;
  const other: Kind = missing === 'phone' ? 'email' : 'phone';
  const otherContacts = found(org, undefined, other);
  const online = k.online(org, lang);
  const site = localized(org.officialSite, lang);
  return lines(
    otherContacts.length > 0 && listOrSentences(ctx, otherContacts, org, t(`contact.instead_${other}`, nameValues(ctx.lang, undefined, org))),
    sentences(
      missing === 'email' && otherContacts.length === 0 && phoneHelpNoNumber(ctx, org),
      online && t('contact.alt_online', { online }),
      inPerson(ctx, org, openOffices(k, org.id)),
      site && site !== online && t('contact.alt_site', { site }),
    ),
  );
}

/**
 * A phone number or an email: the ones asked for, first (the PEC when the PEC or an official
 * document was asked about); else that the bot has none, and what serves instead. "¿Funciona el
 * correo de ATS?": whether the service works, first.
 */
export function contacts(ctx: AnswerContext, kind: Kind): Answer {
  const { k, t, office, frame } = ctx;
  const org = ctx.org!;
  const pecFirst = frame.channel === 'pec' || frame.topic === 'official_document';
  const list = found(org, office, kind, pecFirst);
  const n = names(ctx);
  const quickReplies = suggestions(ctx, ['open_offices', 'help']);
  // "¿Funciona ya el correo?", "is the email still down?": the email service's state first.
  const asksState = frame.act === 'yes_no' && (frame.works || !!ctx.entities.state);
  const service = (frame.topic === 'email_service' || asksState) && kind === 'email' ? k.service(org.id, 'email') : undefined;
  const working = service && serviceState(ctx, service);
  // "¿Tienen WhatsApp?": no organisation lists one; said so, then the ways to reach its staff.
  if (frame.channel === 'messaging') return { text: t('contact.no_messaging', { ...n, target: n.org_of }), next: lines(...reachParts(ctx, org)), quickReplies };
  if (list.length > 0) {
    // "Nobody answers the phone!": the other ways to reach them (the PEC too), after the ones asked for.
    const other: Kind = kind === 'phone' ? 'email' : 'phone';
    const also = pecFirst ? [] : found(org, undefined, other);
    const next = also.length > 0 ? lines(t(`contact.also_${other}`), ...also.map((c) => contactLine(ctx, c, org))) : undefined;
    return { text: sentences(working, listOrSentences(ctx, list, org, t(kind === 'phone' ? 'contact.phones' : 'contact.emails', n))), next, quickReplies };
  }
  // The office when the message named it; else the organisation (its only office is not a new subject).
  const target = office && ctx.entities.office === office.id ? n.office_of : n.org_of;
  const none = (kind === 'phone' && phoneHelpNoNumber(ctx, org)) || t(`contact.no_${kind}`, { ...n, target });
  return { text: none, next: instead(ctx, org, kind), quickReplies };
}

/** How to reach the organisation's staff: its phones and emails, else phone help and what serves instead. The first part leads. */
function reachParts(ctx: Speaking, org: Organisation): [string, ...string[]] {
  const { t } = ctx;
  const reach = [...found(org, undefined, 'phone'), ...found(org, undefined, 'email')];
  const n = nameValues(ctx.lang, undefined, org);
  if (reach.length > 0) return [t('human.contacts', n), ...reach.map((c) => contactLine(ctx, c, org))];
  return [phoneHelpNoNumber(ctx, org) ?? '', instead(ctx, org, 'phone')];
}

/** The organisation's ways to reach its staff, on their own (a hand-over nobody has answered yet). */
export const staffContacts = (ctx: Speaking, org: Organisation): string => lines(...reachParts(ctx, org));

/** "I want to talk to a person": the conversation's organisation's ways to reach its staff. */
export function human(ctx: AnswerContext): Answer {
  const [lead, ...rest] = reachParts(ctx, ctx.org!);
  // "Nobody picks up!": the ways to reach the staff are the answer; that the chat hands over to no one is not.
  return { text: lines(sentences(!ctx.frame.trouble && ctx.t('human.cannot'), lead), ...rest), quickReplies: suggestions(ctx, ['open_offices']) };
}

/** A complaint or an insult: a short apology, then the most useful ways to reach a person (of the conversation's organisation, once known). */
export function complaint(ctx: AnswerContext): Answer {
  const { t } = ctx;
  const org = ctx.org ?? ctx.k.organisation(ctx.session.organisation);
  if (!org) return { text: sentences(t('complaint.sorry'), t('complaint.which')), quickReplies: suggestions(ctx, ['open_offices', 'phones']) };
  return { text: t('complaint.sorry'), next: staffContacts(ctx, org), quickReplies: suggestions(ctx, ['open_offices']) };
}

/**
 * The contacts that serve a topic (the topic's `next` in dialogue/policy.yaml: an ATS health
 * service, its switchboards and URP email; an official document, its PEC), as one line.
 */
export function nextStep(ctx: AnswerContext, org: Organisation, otherwise: readonly Contact['type'][] = []): string | undefined {
  const kinds = ctx.frame.about?.next ?? otherwise;
  const list = org.contacts.filter((c) => kinds.includes(c.type));
  if (list.length === 0) return undefined;
  const items = list.map((c) => `${label(ctx, c)}: ${valueText(ctx, c, org)}`).join('; ');
  return ctx.t('next.contacts', { ...nameValues(ctx.lang, undefined, org), contacts: items });
}

/** Where to ask what the bot does not know, as a sentence ("Puede preguntarlo en la web municipal…"). */
export function askMore(ctx: AnswerContext): string | undefined {
  const ask = askChannel(ctx, 'more');
  return ask ? ctx.t('procedure.ask', { Ask: capitalize(ask) }) : undefined;
}

/**
 * Where a citizen can ask for what the bot does not have (hours, an address, whether their data
 * is safe): the official website, else an email, else a phone number, else an open office.
 * Returns a clause ("puede consultarlo en la web municipal del Ayuntamiento de Elche").
 */
export function askChannel(ctx: AnswerContext, need: 'hours' | 'location' | 'data' | 'appointment' | 'figures' | 'deregistration' | 'more'): string | undefined {
  const { k, t, lang } = ctx;
  const org = ctx.org ?? k.organisation(ctx.office?.organisation);
  if (!org) return undefined;
  const site = localized(org.officialSite, lang);
  if (site) return t(`ask.site_${need}`, { site });
  const email = found(org, ctx.office, 'email')[0];
  const phone = found(org, ctx.office, 'phone')[0];
  if (email && phone) return t('ask.phone_email', { number: phoneText(ctx, phone.value, org), email: email.value });
  if (email) return t('ask.email', { email: email.value });
  if (phone) return t('ask.phone', { number: phoneText(ctx, phone.value, org) });
  const anyOpen = org.anyOpenOffice[lang];
  return anyOpen ? t('ask.offices', { any_open: anyOpen }) : undefined;
}
