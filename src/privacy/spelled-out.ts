/**
 * Personal data written around the patterns of redact.ts (#33, 9): a name after "me llamo", an
 * e-mail address with its "@" and dots spelled out, a phone number in words, a licence plate, a
 * street named without a street word after "vivo en". Each pattern runs in linear time: a match
 * starts only where a word starts, and its repetitions are bounded.
 */

/** A word's letters in either case (the name patterns read capitals, so they cannot take the `i` flag). */
const anyCase = (phrase: string) => phrase.replace(/\p{L}/gu, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`);
const alternatives = (words: string[]) => [...words].sort((a, b) => b.length - a.length).join('|');

/** Where a word starts: not after a letter, mark or digit. */
const AT_WORD = String.raw`(?<![\p{L}\p{M}\p{N}])`;
const WORD_END = String.raw`(?![\p{L}\p{M}\p{N}])`;

/** "My name is …" in the five languages. */
const NAME_IS = ['me llamo', 'mi nombre es', 'em dic', 'el meu nom és', 'mi chiamo', 'il mio nome è', 'jag heter', 'mitt namn är', 'my name is', "my name's", 'i am called', "i'm called"];
const NAME_WORD = String.raw`[\p{L}\p{M}'’\-]+`;
/** Words that end a name typed in lower case ("my name is ana and I …"): conjunctions, verbs and prepositions that follow one. */
const AFTER_NAME = [
  'y', 'e', 'i', 'o', 'and', 'och', 'ed', 'but', 'pero', 'però', 'ma', 'men', 'que', 'che', 'att', 'that', 'so', 'from', 'in', 'en', 'a', 'al', 'con', 'amb',
  'with', 'med', 'to', 'för', 'per', 'para', 'is', 'es', 'és', 'è', 'är', 'soy', 'sóc', 'sono', 'jag', 'im', "i'm", 'quiero', 'vull', 'voglio', 'vill', 'want',
  'necesito', 'necessite', 'ho', 'har', 'have', 'tengo', 'tinc', 'need', 'please', 'por', 'favor', 'grazie', 'gracias', 'tack', 'thanks', 'hola', 'hello', 'hi',
];
/**
 * After the first word of a name, up to three more: with a capital (and the particles of surnames
 * between), or in lower case unless it is a word that ends a name.
 */
const MORE_NAME = String.raw`(?: (?:(?:de|del|de la|di|da|van|von|af) )?\p{Lu}[\p{L}\p{M}'’\-]*| (?!(?:${AFTER_NAME.map(anyCase).join('|')})${WORD_END})\p{Ll}[\p{L}\p{M}'’\-]*){0,3}`;

/** "@" and "." spelled out: "[at]", "(arroba)", " at ", "chiocciola", "snabel-a"; "[dot]", " punto ", "punkt". */
const AT = String.raw`(?: ?[\[({<] ?(?:at|arroba|chiocciola|snabel-?a) ?[\])}>] ?| (?:at|arroba|chiocciola|snabel-?a) )`;
const DOT = String.raw`(?: ?[\[({<] ?(?:dot|punto|punt|punkt) ?[\])}>] ?| (?:dot|punto|punt|punkt) |\.)`;
const LABEL = String.raw`[\p{L}\p{M}\p{N}\-]{1,63}`;

/** Digits in words, in the five languages (a run of five or more is a number someone spelled out). */
const DIGIT_WORDS = alternatives([
  'cero', 'uno', 'una', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve',
  'zero', 'u', 'un', 'dues', 'quatre', 'cinc', 'sis', 'set', 'vuit', 'nou',
  'due', 'tre', 'quattro', 'cinque', 'sei', 'sette', 'otto', 'nove',
  'noll', 'ett', 'en', 'två', 'fyra', 'fem', 'sex', 'sju', 'åtta', 'nio',
  'oh', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine',
]);
const DIGIT_WORD = String.raw`(?:${DIGIT_WORDS})${WORD_END}`;

/**
 * "I live at …" in the five languages: what follows up to a house number is a street, whatever its
 * words; then a floor and door ("3º B": º and ª are o and a once the text is NFKC).
 */
const LIVE_AT = ['vivo en', 'vivo a', 'mi dirección es', 'mi domicilio es', 'visc a', 'visc en', 'la meua adreça és', 'el meu domicili és', 'abito in', 'abito a', 'il mio indirizzo è', 'jag bor på', 'bor på', 'min adress är', 'i live at', 'i live in', 'i live on', 'my address is'];

/** Spanish plates (1234 BCD: consonants only), in any case. */
const PLATE_ES = String.raw`${AT_WORD}\d{4}[ \-]?[BCDFGHJKLMNPRSTVWXYZ]{3}${WORD_END}`;
/**
 * Older Spanish (A-1234-BZ), Italian (AB 123 CD) and Swedish (ABC 123, ABC 12D) plates, in capitals
 * as on the plate: in any case they would take "de 2026 a" or "the 368" too.
 */
const PLATE_CAPITALS = String.raw`${AT_WORD}(?:[A-Z]{1,2}[ \-]?\d{4}[ \-]?[A-Z]{1,2}|[A-Z]{2}[ \-]?\d{3}[ \-]?[A-Z]{2}|[A-Z]{3}[ \-]?\d{2}[A-Z0-9])${WORD_END}`;
/** A plate named as one, in any case: "matrícula 1234bcd", "targa ab123cd", "regnr abc123". */
const PLATE_NAMED = String.raw`${AT_WORD}(matrícula|matricula|targa|registreringsnummer|regnr|reg\.? ?nr|licence plate|license plate|number plate|plate)(:? )(?:[A-Z]{1,3}[ \-]?)?\d{2,4}(?:[ \-]?[A-Z]{1,3})?${WORD_END}`;

type Replace = string | ((match: string, ...groups: string[]) => string);

/** Applied before redact.ts's own patterns (an e-mail spelled out before the words around it are read). */
export const SPELLED_OUT: [RegExp, Replace][] = [
  [new RegExp(String.raw`(?<![\p{L}\p{M}\p{N}._%+\-])[\p{L}\p{M}\p{N}._%+\-]{1,64}${AT}${LABEL}(?:${DOT}${LABEL}){1,4}${WORD_END}`, 'giu'), '[email]'],
  [new RegExp(String.raw`${AT_WORD}(${NAME_IS.map(anyCase).join('|')})(,? )${NAME_WORD}${MORE_NAME}`, 'gu'), (_m, said, gap) => `${said}${gap}[name]`],
  [new RegExp(String.raw`${AT_WORD}${DIGIT_WORD}(?:[ ,.\-]{1,3}${DIGIT_WORD}){4,}`, 'giu'), '[phone]'],
  [new RegExp(PLATE_NAMED, 'giu'), (_m, named, gap) => `${named}${gap}[plate]`],
  [new RegExp(PLATE_ES, 'giu'), '[plate]'],
  [new RegExp(PLATE_CAPITALS, 'gu'), '[plate]'],
];

/** Applied after redact.ts's street patterns (a street word, or a Swedish or English street, is read by those first). */
export const STREET_AFTER_PHRASE: [RegExp, Replace] = [
  new RegExp(String.raw`${AT_WORD}(${alternatives(LIVE_AT)})( )(?:[\p{L}\p{M}'’.\-]+ ){0,5}\d{1,4}(?:[A-Z]${WORD_END})?(?:,? \d{1,3}(?:[ºªoa]${WORD_END})?(?: ?[A-Z]${WORD_END})?)?(?!\p{N})`, 'giu'),
  (_m, said, gap) => `${said}${gap}[address]`,
];
