import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { localized, type Knowledge } from '../knowledge/knowledge.js';
import type { Lang, Office, Organisation, Text } from '../knowledge/schema.js';
import type { Entities } from '../nlu/entities.js';
import type { Translate } from '../shared/i18n.js';
import { intlLocale } from '../shared/languages.js';
import type { Act, Modality } from '../nlu/acts.js';
import type { Address, QuickReply, Session, Subscriptions } from '../domain/types.js';
import type { Topic } from './topics.js';
import { freshestLang, staleLangs, type Written } from '../knowledge/freshness.js';
import type { FoundContact } from '../nlu/contacts.js';
import type { ScamRepository } from '../storage/scams/types.js';

/** Where the answers read the scam contacts staff list. */
export type ScamList = Pick<ScamRepository, 'list'>;

/**
 * What the message asks, as the policy read it: its act, the topic (its own or the one a
 * follow-up takes), the channel it asks about, whether it negates, and how sure the reading is.
 */
export interface Frame {
  act: Act;
  topic?: string;
  /** The declared topic's attributes (the contacts that serve it). */
  about?: Topic;
  channel?: string;
  negated: boolean;
  /** An unmistakable command: not a question, not negated, with a verb of erasing, the classifier sure (erasure runs without asking). */
  command: boolean;
  /** It lets the matter drop ("never mind"): a goodbye says so briefly. */
  dismissed: boolean;
  /** It wishes the bot did not keep what was written, without a command ("preferiría que no quedara guardado"). */
  eraseWish: boolean;
  /** A way of reaching the organisation fails the citizen: an apology first, then the other ways. */
  trouble: boolean;
  /** It names what an organisation keeps in its own systems (health records, the register): not the bot's to erase. */
  records: boolean;
  /** It continues the conversation's topic without naming one ("¿y por teléfono?", "¿hasta qué edad?"). */
  followUp: boolean;
  /** Not a word the bot knows ("asdfgh ñlkj"): it did not understand, and says so. */
  gibberish: boolean;
  /** A question about the conversation's topic that names nothing of its own ("¿me lo dan al momento?"): what the facts say of it, or "I don't know". */
  unplaced: boolean;
  /** It asks about a day or a time ("¿hay cita para hoy?", "¿abre el sábado?"). */
  time?: 'today' | 'other';
  /** A complaint or an insult, whatever it asks. */
  complaint: boolean;
  /** It asks whether something works ("¿funciona ya el correo?"): a service's state answers it. */
  works: boolean;
  /** What a yes/no question asks: can it be done, must it be, or which of two. */
  modality?: Modality;
}

/** Everything an answer may read: the knowledge base, the language, and what the turn is about. */
export interface AnswerContext {
  k: Knowledge;
  t: Translate;
  lang: Lang;
  intent: string;
  office?: Office;
  org?: Organisation;
  certificate?: string;
  /** The message's other entities: a topic inside the question, a health service, a yes. */
  entities: Entities;
  frame: Frame;
  /** The conversation (what it was about before this turn, its entry point's organisation). */
  session: Session;
  address: Address;
  subscriptions: Subscriptions;
  /** The phone numbers, addresses and links the message holds (a citizen asks whether one is real). */
  contacts?: FoundContact[];
  /** The scam contacts staff list, per organisation. */
  scams?: ScamList;
  /** Each language by its own name, as buttons. */
  languageChoices(): QuickReply[];
  /** Minutes a conversation is kept after its last message (SESSION_TTL_MINUTES), when known. */
  keepMinutes?: number;
}

/** What a text about the knowledge base needs: the facts and the language (a contacts list outside a turn). */
export type Speaking = Pick<AnswerContext, 'k' | 't' | 'lang'>;

/** A yes/no question about another day, month or hour than today ("¿abre los sábados?", "ad agosto chiudono?"): the facts are today's. */
export const asksAnotherDay = (frame: Frame) => frame.act === 'yes_no' && frame.time === 'other';
export const lines = (...parts: (string | false | undefined | null)[]) => parts.filter(Boolean).join('\n');
export const sentences = (...parts: (string | false | undefined | null)[]) => parts.filter(Boolean).join(' ');
export const bullet = (s: string) => `• ${s}`;
export const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

// Building an Intl.ListFormat costs more than using one (~3.5 µs against ~0.5), and an answer
// lists several things: one per language and kind.
const listFormats = new Map<string, Intl.ListFormat>();

export function listOf(items: string[], lang: Lang, type: 'conjunction' | 'disjunction' = 'conjunction'): string {
  const key = `${lang}:${type}`;
  let format = listFormats.get(key);
  if (!format) listFormats.set(key, (format = new Intl.ListFormat(intlLocale(lang), { type })));
  return format.format(items);
}

/** A form of a name in this language only (another language's article would be wrong), else the bare name. */
function form(x: { name: Text; the: Text; of: Text }, which: 'the' | 'of', lang: Lang): string {
  return x[which][lang] || (which === 'of' ? x.the[lang] : undefined) || localized(x.name, lang);
}

/**
 * The interpolation values that name an office or organisation in a template: `office` inside a
 * sentence ("la OMAC de El Altet"), `Office` at its start, `office_of` after "of", `office_name` bare.
 */
export function named(prefix: 'office' | 'org', x: Office | Organisation | undefined, lang: Lang): Record<string, string> {
  if (!x) return {};
  const the = form(x, 'the', lang);
  return { [prefix]: the, [capitalize(prefix)]: capitalize(the), [`${prefix}_of`]: form(x, 'of', lang), [`${prefix}_name`]: localized(x.name, lang) };
}

/** The names of an office and an organisation at once, as most templates want them. */
export function nameValues(lang: Lang, office?: Office, org?: Organisation): Record<string, string> {
  return { ...named('org', org, lang), ...named('office', office, lang) };
}

/** The names of what the turn is about. */
export const names = (ctx: Pick<AnswerContext, 'office' | 'org' | 'lang'>) => nameValues(ctx.lang, ctx.office, ctx.org);

export const isOpen = (o: Office) => o.status === 'open' || o.status === 'limited';

/** The open offices of an organisation, by their short names ("Centro, Altabix y Torrellano"). */
export function openOffices(k: Knowledge, orgId: string): Office[] {
  return k.officesOf(orgId).filter(isOpen);
}
export const shortName = (o: Office, lang: Lang) => o.short[lang] || localized(o.name, lang);
export const shortList = (offices: Office[], lang: Lang, type: 'conjunction' | 'disjunction' = 'conjunction') =>
  listOf(offices.map((o) => shortName(o, lang)), lang, type);

/**
 * A phone number as the knowledge base has it, and in its international form for callers who may
 * be abroad: those who write in another language than the organisation's (its country known).
 */
export function phoneText(ctx: Pick<AnswerContext, 't' | 'lang'>, value: string, org: Organisation | undefined): string {
  const international = org?.country && org.language !== ctx.lang && internationalForm(value, org.country);
  // "from outside Italy" said of the number's own country (the key of its ISO code), else "from abroad".
  return international ? ctx.t([`contact.international.${org.country}`, 'contact.international.other'], { number: value, international }) : value;
}

// Parsing a number costs ~6 µs and a contact answer shows several: each number of the knowledge
// base is parsed once ('' when it is not a valid number of that country).
const internationalForms = new Map<string, string>();

function internationalForm(value: string, country: string): string {
  const key = `${country}:${value}`;
  let form = internationalForms.get(key);
  if (form === undefined) {
    const parsed = parsePhoneNumberFromString(value.replace(/[/.\s]/g, ''), country as CountryCode);
    internationalForms.set(key, (form = parsed?.isValid() ? parsed.formatInternational() : ''));
  }
  return form;
}

export function quick(label: string, text = label): QuickReply {
  return { label, text };
}

/**
 * A text staff wrote in some languages (a note, an announcement, a crisis notice): this language's,
 * else the organisation's language's, else the first there is, marked with its language so that the
 * reader knows why it is in another one. This language's text written before another language's
 * last change (`written`, src/knowledge/freshness.ts) may no longer be true: the changed one is
 * given instead, marked.
 */
export function inSomeLanguage(
  k: Knowledge,
  t: Translate,
  text: Text,
  orgId: string,
  lang: Lang,
  key: 'status.note_in' | 'notify.message_in' | 'service.note_in' | 'crisis.notice_in',
  written?: Written,
  values: Record<string, string> = {},
): string {
  const own = text[lang]?.trim();
  const stale = own && staleLangs(text, written).includes(lang);
  if (own && !stale) return own;
  const first = k.organisation(orgId)?.language;
  const fresh = stale ? freshestLang(text, written) : undefined;
  const other = [...(fresh ? [fresh] : []), ...(first ? [first] : []), ...Object.keys(text)].find((l) => text[l]?.trim());
  if (!other) return '';
  const value = text[other]!.trim();
  return t(key, { ...values, language: t(`note_language.${other}`), note: value, text: value });
}
