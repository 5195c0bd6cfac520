import { parse as parseHost } from 'tldts';
import { normalize } from './normalize.js';
import { PLACEHOLDER } from './encoders/ngram.js';

/**
 * Phone numbers, email addresses and links in a message ("me han llamado del <number>", "è
 * davvero la PEC <address>?", "en länk till elche-pagos.com"): what a citizen
 * asks the bot to check (verify_contact). They are found here as written; comparing them with
 * the official contacts is src/conversation/contact-check.ts's work.
 */
export type FoundContact =
  | { kind: 'phone'; value: string }
  | { kind: 'email'; value: string }
  | { kind: 'link'; value: string; hostname: string };

// Every pattern starts only where a word starts and repeats a bounded number of times: a message
// of 2,000 letters, digits or dots is read in linear time (test/integration/linear-time.test.ts).
const EMAIL = /(?<![\p{L}\p{N}._%+@-])[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){1,8}/gu;
const URL_LIKE = /(?<![\p{L}\p{N}.-])(?:https?:\/\/|www\.)[^\s<>"'«»]{1,2000}/giu;
// Words joined by dots ("elche-pagos.com", "ats-insubria.it.example.com"): a link only when tldts knows its suffix.
const DOTTED = /(?<![\p{L}\p{N}@.-])[\p{L}\p{N}][\p{L}\p{N}-]{0,62}(?:\.[\p{L}\p{N}][\p{L}\p{N}-]{0,62}){1,8}/gu;
// Digits with the separators people write numbers with (spaces, dots, slashes, dashes, brackets, a leading plus or double zero),
// not inside a word (an ID card's letters, an IBAN's country); a colon is a time's.
const PHONE = /(?<![\p{L}\d+])(?:\+|00)?\(?\d[\d ./()-]{4,22}\d(?![\p{L}\d])/gu;
// Day, month and year joined by slashes, dots or dashes: a date, not a number.
const DATE = /^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$/;
/** Fewer digits than this are a time, an amount, a year, a short service number (which the bot does not check either); more than E.164's 15, an account or a card. */
const MIN_PHONE_DIGITS = 6;
const MAX_PHONE_DIGITS = 15;
const TRAILING = /[.,;:!?)\]}»"']+$/;

const digits = (s: string) => s.replace(/\D/g, '').length;

/** A host name tldts reads as a real domain (a known public suffix), lowercased; undefined otherwise ("p.ej", "etc.etc"). */
export function hostOf(text: string): string | undefined {
  const parsed = parseHost(text.replace(TRAILING, ''), { allowPrivateDomains: true });
  if (!parsed.domain || !parsed.hostname || parsed.isIp || !(parsed.isIcann || parsed.isPrivate)) return undefined;
  return parsed.hostname.toLowerCase().replace(/\.$/, '');
}

interface Span {
  start: number;
  end: number;
  contact: FoundContact;
}

function spans(text: string): Span[] {
  const found: Span[] = [];
  const taken = (start: number, end: number) => found.some((s) => start < s.end && end > s.start);
  const add = (start: number, end: number, contact: FoundContact) => {
    if (!taken(start, end)) found.push({ start, end, contact });
  };
  for (const m of text.matchAll(EMAIL)) {
    const value = m[0].replace(TRAILING, '').toLowerCase();
    if (hostOf(value.slice(value.indexOf('@') + 1))) add(m.index, m.index + m[0].length, { kind: 'email', value });
  }
  for (const re of [URL_LIKE, DOTTED]) {
    for (const m of text.matchAll(re)) {
      // "abierto.Es urgente" is two sentences without their space: a bare domain is written in lowercase.
      if (re === DOTTED && /\.\p{Lu}[^.]*$/u.test(m[0])) continue;
      const hostname = hostOf(m[0]);
      if (hostname) add(m.index, m.index + m[0].length, { kind: 'link', value: m[0].replace(TRAILING, ''), hostname });
    }
  }
  for (const m of text.matchAll(PHONE)) {
    const value = m[0].trim();
    const n = digits(value);
    if (n >= MIN_PHONE_DIGITS && n <= MAX_PHONE_DIGITS && !DATE.test(value)) add(m.index, m.index + m[0].length, { kind: 'phone', value });
  }
  return found.sort((a, b) => a.start - b.start);
}

/** The phone numbers, email addresses and links written in the message, in order. */
export function findContacts(text: string): FoundContact[] {
  return /[\d@.]/.test(text) ? spans(text).map((s) => s.contact) : [];
}

/**
 * The message with each of them replaced by `placeholder`: the classifier reads its words, never a
 * number or an address ("mi número es <number>, avísenme cuando abra Altabix" still asks for notices).
 */
export function maskContacts(text: string, placeholder = ` ${PLACEHOLDER} `): string {
  if (!/[\d@.]/.test(text)) return text;
  let out = '';
  let at = 0;
  for (const s of spans(text)) {
    out += `${text.slice(at, s.start)}${placeholder}`;
    at = s.end;
  }
  return out + text.slice(at);
}

/**
 * The text the classifiers read of a citizen's message: normalised, each contact a placeholder word
 * (src/nlu/encoders/ngram.ts) that weighs as a word and says nothing, so that what is left around it
 * reads no surer than it would with the contact there ("write to <address>" is not the plain "write
 * to" of a question for an email address).
 */
export const classifierText = (text: string): string => normalize(maskContacts(text));

/**
 * The text the classifiers learn of a training example: normalised, its contacts left out. An
 * example teaches its own words ("¿es oficial el <number>?"), each at its full weight; a contact in
 * it teaches nothing.
 */
export const trainingText = (text: string): string => normalize(maskContacts(text, ' '));

/** Whether a classifier text holds nothing but placeholders: the message was a number, an address or a link alone. */
export const onlyContacts = (words: string): boolean => words.split(' ').every((w) => w === PLACEHOLDER || w === '');
