import { cleanText } from './clean-text.js';
import { asciiDigit, dniValid, ibanValid, luhnValid } from './checksums.js';
import { ADDRESS_PATTERNS } from './addresses.js';
import { SPELLED_OUT, STREET_AFTER_PHRASE } from './spelled-out.js';

/**
 * Personal data removed from the questions the statistics keep. The text is first brought to
 * one form: NFKC (fullwidth letters and digits become ASCII), format characters dropped
 * (zero-width spaces), every digit made ASCII (Arabic-Indic, Devanagari...), every dash a
 * hyphen, every run of spaces and controls (NBSP, thin space, line breaks) one space.
 *
 * Every pattern runs in linear time on any input: a match may start only where a run starts
 * (a lookbehind), and a repetition that a later check can fail after is bounded, so that no
 * position is rescanned more than a constant number of times.
 */

/** Between two characters of a number: nothing, a space, or a dot, hyphen or slash with spaces around it. */
const SEP = String.raw`(?: ?[.\-/] ?| )?`;
/** The end of a number: no more digits follow, even after a separator (they go to the net below, whole). */
const END = String.raw`(?!${SEP}\d)`;
/** Where a number starts: not right after a digit, even across a separator (so a match never begins inside one). */
const START = String.raw`(?<!\d${SEP})`;
/** `count` more of `unit` after the first, each after an optional separator. */
const more = (unit: string, count: string) => String.raw`${unit}(?:${SEP}${unit})${count}`;
const rule = (source: string, flags = 'gi') => new RegExp(source, flags);

/** Codice fiscale: letters and digits in fixed places; omocodia replaces digits with LMNPQRSTUV. */
const CF = (() => {
  const L = '[A-Z]';
  const N = '[0-9LMNPQRSTUV]';
  return [L, L, L, L, L, L, N, N, L, N, N, L, N, N, N, L].join(SEP);
})();

type Replace = string | ((match: string, ...groups: string[]) => string);

const RULES: [RegExp, Replace][] = [
  ...SPELLED_OUT,
  // E-mail addresses, also at a host without a dot (localhost): the local part starts where its run of characters starts.
  [rule(String.raw`(?<![\p{L}\p{M}\p{N}._%+\-])[\p{L}\p{M}\p{N}._%+\-]+@[\p{L}\p{M}\p{N}\-]+(?:\.[\p{L}\p{M}\p{N}\-]+)*`, 'giu'), '[email]'],
  // IBAN (two letters, two check digits, up to 30 more, grouped or not): the part of its country's length that passes mod 97.
  [rule(String.raw`(?<![A-Z0-9])[A-Z]{2}${SEP}\d${SEP}\d${SEP}${more('[A-Z0-9]', '{10,29}')}(?![A-Z0-9])`), (m) => checked(m, '[iban]', 15, 34, ibanValid)],
  // Card numbers: 13 to 19 digits, grouped or not, that pass the Luhn check.
  [rule(String.raw`${START}${more(String.raw`\d`, '{12,18}')}${END}`), (m) => (luhnValid(m.replace(/\D/g, '')) ? '[card]' : m)],
  // Swedish personnummer (YYMMDD-NNNN, with the century or + past 100): its last ten digits pass the Luhn check.
  [rule(String.raw`(?<!\+)${START}(?:\d\d)?\d{6} ?[-+]? ?\d{4}${END}`), (m) => (luhnValid(m.replace(/\D/g, '').slice(-10)) ? '[id]' : m)],
  // DNI (eight digits and a letter) and NIE (X, Y or Z, seven digits, a letter), dotted or not, with their check letter.
  [rule(String.raw`(?<![A-Z])${START}(?:[XYZ]${SEP})?${more(String.raw`\d`, '{6,7}')}${SEP}[A-Z](?![A-Z0-9])`), (m) => (dniValid(m) ? '[id]' : m)],
  [rule(String.raw`(?<![A-Z0-9])${CF}(?![A-Z0-9])`), (m) => (/\d/.test(m) ? '[id]' : m)],
  // Phone numbers: 7 to 15 digits in any grouping, after a country code (+, 00, or in brackets) or not.
  [rule(String.raw`(?<![A-Z+])${START}(?:\+|00)?(?:\(\+?\d{1,4}\) ?)?${more(String.raw`\d`, '{6,14}')}${END}`), '[phone]'],
  // Passports and other documents: one to three letters, then six to nine digits; after the phones, so that a phone after "tel" stays one.
  [rule(String.raw`(?<![A-Z0-9])[A-Z]{1,3}${SEP}${more(String.raw`\d`, '{5,8}')}${END}`), '[id]'],
  ...ADDRESS_PATTERNS.map((re): [RegExp, Replace] => [re, '[address]']),
  STREET_AFTER_PHRASE,
  // What no pattern knew: a code of letters and at least three digits, any five digits.
  [/[A-Z0-9]+/gi, (m) => (m.length >= 6 && /[A-Z]/i.test(m) && m.replace(/\D/g, '').length >= 3 ? '[id]' : m)],
  [rule(START + more(String.raw`\d`, '*')), (m) => (m.replace(/\D/g, '').length >= 5 ? '[number]' : m)],
];

/** The label and what follows the longest start of `match` (separators aside) that passes `valid`; else `match`. */
function checked(match: string, label: string, min: number, max: number, valid: (compact: string) => boolean): string {
  const compact = match.replace(/[^A-Z0-9]/gi, '');
  for (let n = Math.min(max, compact.length); n >= min; n--) {
    if (!valid(compact.slice(0, n))) continue;
    let end = 0;
    for (let kept = 0; kept < n; end++) if (/[A-Z0-9]/i.test(match[end])) kept++;
    return label + match.slice(end);
  }
  return match;
}

/** The one form the patterns read (see above). */
export function matchable(text: string): string {
  return cleanText(text)
    .normalize('NFKC')
    .replace(/\p{Cf}/gu, '')
    .replace(/[^\P{Nd}0-9]/gu, asciiDigit)
    .replace(/\p{Pd}/gu, '-')
    .replace(/[\p{Z}\p{Cc}]+/gu, ' ');
}

/** The text with personal data replaced by labels ([email], [phone], [id]...), cut to `maxChars` code points. */
export function redact(text: string, maxChars = Infinity): string {
  const redacted = RULES.reduce((t, [re, replace]) => t.replace(re, replace as string), matchable(text));
  return redacted.length <= maxChars ? redacted : Array.from(redacted).slice(0, maxChars).join('');
}
