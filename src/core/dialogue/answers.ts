import { localized, type Knowledge } from '../../knowledge/knowledge.js';
import type { Contact, Lang, Office, Organisation, Procedure } from '../../knowledge/schema.js';
import type { Translate } from '../../shared/i18n.js';
import type { QuickReply, Reply } from './types.js';

/** Everything an answer may read: the knowledge base, the language, and what the turn is about. */
export interface AnswerContext {
  k: Knowledge;
  t: Translate;
  lang: Lang;
  office?: Office;
  org?: Organisation;
  certificate?: string;
}

const lines = (...parts: (string | false | undefined)[]) => parts.filter(Boolean).join('\n');
const bullet = (s: string) => `• ${s}`;

/** One per language, made on first use: Intl formatters are costly to build. */
function perLang<T>(make: (lang: Lang) => T): (lang: Lang) => T {
  const made = new Map<Lang, T>();
  return (lang) => {
    let value = made.get(lang);
    if (value === undefined) made.set(lang, (value = make(lang)));
    return value;
  };
}

const listFormat = perLang((lang) => new Intl.ListFormat(lang, { type: 'conjunction' }));
const dateFormat = perLang((lang) => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Madrid' }));

// Formatting costs a few µs too, and answers list the same few things (an office's modes): the
// lists are kept (bounded).
const lists = new Map<string, string>();
export function listOf(items: string[], lang: Lang): string {
  const id = `${lang}\u0000${items.join('\u0000')}`;
  let text = lists.get(id);
  if (text === undefined) {
    text = listFormat(lang).format(items);
    if (lists.size > 1000) lists.clear();
    lists.set(id, text);
  }
  return text;
}

export function reply(text: string, quickReplies: QuickReply[] = []): Reply {
  return { text, quickReplies };
}

// The menu is the same for every answer in a language: built once per language (per t), frozen
// because every reply shares it.
const menus = new WeakMap<Translate, QuickReply[]>();
export function menu(t: Translate): QuickReply[] {
  let quick = menus.get(t);
  if (!quick) {
    const items = (['open_offices', 'phones', 'certificate', 'help'] as const).map((key) => Object.freeze({ label: t(`quick.${key}`), text: t(`quick.${key}`) }));
    menus.set(t, (quick = Object.freeze(items) as QuickReply[]));
  }
  return quick;
}

export function officeStatus({ t, lang, office }: AnswerContext & { office: Office }): string {
  const name = localized(office.name, lang);
  const when = localized(office.expectedReopening, lang);
  return lines(
    t(`status.${office.status}`, { office: name }),
    office.modes.length > 0 && t('status.modes', { modes: listOf(office.modes.map((m) => t(`mode.${m}`)), lang) }),
    office.status !== 'open' && when && t('status.expected', { when }),
    localized(office.notes, lang),
    office.updatedAt && t('status.updated', { date: formatDate(office.updatedAt, lang) }),
  );
}

function formatDate(iso: string, lang: Lang): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return dateFormat(lang).format(d);
}

/** Every office's status, or one organisation's when the question named it. */
export function statusBoard({ k, t, lang, org }: AnswerContext): string {
  return lines(
    t('board.title'),
    ...(org ? k.officesOf(org.id) : k.offices).map((o) => bullet(`${localized(o.name, lang)}: ${t(`status_short.${o.status}`)}`)),
  );
}

function contactLine(c: Contact, { k, t, lang }: AnswerContext): string {
  const where = c.office ? ` (${localized(k.office(c.office)?.name, lang)})` : '';
  return bullet(`${t(`contact.label.${c.type}`)}${where}: ${c.value}`);
}

/** The channels an organisation has that are not of the given kinds: what to offer when one is missing. */
export function otherChannels(ctx: AnswerContext, org: Organisation, except: Contact['type'][] = []): string {
  const { t, lang } = ctx;
  const contacts = org.contacts.filter((c) => !except.includes(c.type));
  const channels = localized(org.channels, lang);
  const website = org.website && bullet(`${t('contact.label.website')}: ${org.website}`);
  if (contacts.length === 0 && !channels && !website) return t('contact.none', { name: localized(org.name, lang) });
  return lines(
    t('contact.other_channels', { name: localized(org.name, lang) }),
    ...contacts.map((c) => contactLine(c, ctx)),
    website,
    channels,
  );
}

export function contacts(ctx: AnswerContext, kind: 'phone' | 'email'): string {
  const { t, lang, office } = ctx;
  const org = ctx.org!;
  const types: Contact['type'][] = kind === 'phone' ? ['switchboard', 'phone'] : ['email', 'pec'];
  const orgContacts = org.contacts.filter((c) => types.includes(c.type));
  const own = orgContacts.filter((c) => office && c.office === office.id);
  const ownValue = kind === 'phone' ? office?.phone : office?.email;
  if (office && ownValue && !own.some((c) => c.value === ownValue)) own.unshift({ type: kind, value: ownValue, office: office.id });
  // The office's own numbers and the organisation-wide ones; other offices' only when it has none.
  const shared = orgContacts.filter((c) => !c.office);
  const found = own.length > 0 ? [...own, ...shared] : orgContacts;
  const name = localized(office?.name ?? org.name, lang);
  if (found.length === 0) {
    return lines(t(kind === 'phone' ? 'contact.no_phone' : 'contact.no_email', { name }), otherChannels(ctx, org, types));
  }
  return lines(t(kind === 'phone' ? 'contact.phones' : 'contact.emails', { name }), ...found.map((c) => contactLine(c, ctx)));
}

export function hoursOrLocation(ctx: AnswerContext & { office: Office }, what: 'hours' | 'location'): string {
  const { t, lang, office } = ctx;
  const name = localized(office.name, lang);
  const value = what === 'hours' ? localized(office.hours, lang) : office.address;
  if (value) return t(`${what}.known`, { office: name, hours: value, address: value });
  const org = ctx.k.organisation(office.organisation)!;
  return lines(t(`${what}.unknown`, { office: name }), otherChannels(ctx, org));
}

function channelLines(ctx: AnswerContext, p: Procedure): string[] {
  const { k, t, lang } = ctx;
  const orgName = localized(k.organisation(p.organisation)?.name, lang);
  return p.channels.flatMap((channel) => {
    if (channel === 'in_person') {
      const open = p.offices
        .map((id) => k.office(id))
        .filter((o): o is Office => !!o && (o.status === 'open' || o.status === 'limited'));
      if (open.length === 0) return [];
      return [bullet(t('procedure.channel.in_person', { offices: listOf(open.map((o) => localized(o.name, lang)), lang) }))];
    }
    return [bullet(t(`procedure.channel.${channel}`, { org: orgName }))];
  });
}

function procedureText(ctx: AnswerContext, p: Procedure): string {
  const { lang } = ctx;
  return lines(
    ...channelLines(ctx, p),
    ...(p.steps[lang] ?? []).map(bullet),
    ...(p.requirements[lang] ?? []).map(bullet),
    localized(p.notes, lang),
    ...p.links.map(bullet),
  );
}

export function certificate(ctx: AnswerContext): string {
  const { k, t, lang } = ctx;
  const org = ctx.org!;
  const orgName = localized(org.name, lang);
  const all = k.procedures(org.id, 'certificate');
  const wanted = ctx.certificate ? all.filter((p) => p.certificate === ctx.certificate) : all;
  if (ctx.certificate && wanted.length === 0) {
    return lines(t('certificate.none', { org: orgName }), otherChannels(ctx, org));
  }
  if (ctx.certificate) {
    const type = t(`certificate.type.${ctx.certificate}`);
    return lines(t('certificate.intro', { certificate: type, org: orgName }), ...wanted.map((p) => procedureText(ctx, p)));
  }
  return lines(
    t('certificate.intro_any', { org: orgName }),
    ...wanted.map((p) => lines(`${capitalize(t(`certificate.type.${p.certificate}`))}:`, procedureText(ctx, p))),
  );
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const INTROS = {
  appointment: 'procedure.appointment_intro',
  document_submission: 'procedure.submission_intro',
  transport_card: 'procedure.transport_intro',
  health: 'procedure.health_intro',
} as const;

export function procedure(ctx: AnswerContext, kind: keyof typeof INTROS): string {
  const { k, t, lang } = ctx;
  const org = ctx.org!;
  const orgName = localized(org.name, lang);
  const found = k.procedures(org.id, kind);
  if (found.length === 0) return lines(t('procedure.none', { org: orgName }), otherChannels(ctx, org));
  return lines(t(INTROS[kind], { org: orgName }), ...found.map((p) => procedureText(ctx, p)));
}

export function incident(ctx: AnswerContext): string {
  const { t, lang } = ctx;
  const org = ctx.org!;
  const orgName = localized(org.name, lang);
  const text = localized(org.incident, lang);
  return lines(
    text ? t('incident.intro', { org: orgName }) : t('incident.none', { org: orgName }),
    text,
    ctx.office && officeStatus({ ...ctx, office: ctx.office }),
  );
}

export function humanAgent(ctx: AnswerContext): string {
  const orgs = ctx.org ? [ctx.org] : ctx.k.organisations;
  return lines(ctx.t('human'), ...orgs.map((org) => otherChannels(ctx, org)));
}
