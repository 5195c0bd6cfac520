/**
 * C0/C1 controls but tab and line feed, and the bidi controls (U+061C, U+200E/F, U+202A-E,
 * U+2066-9): invisible, they can reorder what staff read ("Trojan Source") or break a terminal.
 * Zero-width joiners stay: emoji sequences and several scripts need them.
 */
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** A lone surrogate, which storage would turn into garbage. */
const LONE_SURROGATE = /\p{Cs}/gu;
/**
 * Unicode's stream-safe format (UAX #15) allows 30 combining marks in a row; more are never
 * text, and Unicode normalisation reorders them in quadratic time.
 */
const MARK_RUN = /(\p{M}{30})\p{M}+/gu;

/** What a message is reduced to before the core reads or stores anything of it. */
export function cleanText(text: string): string {
  return text.replace(CONTROLS, '').replace(LONE_SURROGATE, '\ufffd').replace(MARK_RUN, '$1');
}
