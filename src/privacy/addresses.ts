/**
 * Street addresses with a house number, as people type them in the five languages. Names of
 * streets are open-ended, so these catch only the common shapes; what they miss is listed in
 * the README ("Security, limits and privacy").
 */

/** Words that come before a street's name, then its number (calle, via...), and the abbreviation "C/". */
const BEFORE = [
  'calle', 'avenida', 'avda', 'plaza', 'pza', 'paseo', 'camino', 'carretera', 'ctra', 'ronda', 'travesía', 'glorieta', 'pasaje', 'urbanización',
  'carrer', 'cl', 'avinguda', 'av', 'plaça', 'pl', 'passeig', 'camí', 'travessia', 'partida',
  'via', 'viale', 'corso', 'piazza', 'piazzale', 'vicolo', 'strada', 'contrada', 'località',
];
/** Swedish names end in the kind of street (-gatan, -vägen), then the number. */
const SWEDISH_ENDINGS = ['gatan', 'gata', 'vägen', 'väg', 'gränd', 'torget', 'stigen', 'backen', 'allén', 'leden', 'platsen'];
/** English puts the number first, the kind of street last. */
const ENGLISH_AFTER = ['street', 'st', 'road', 'rd', 'avenue', 'ave', 'lane', 'drive', 'square', 'place', 'close', 'way', 'crescent', 'terrace'];

const WORD = String.raw`[\p{L}\p{M}'’.\-]+`;
const NUMBER = String.raw`\d{1,4}(?:[A-Z](?![\p{L}\p{M}\p{N}]))?(?!\p{N})`;

export const ADDRESS_PATTERNS: RegExp[] = [
  // The street word, then one to five words of name, then the number.
  new RegExp(String.raw`(?<![\p{L}\p{M}\p{N}])(?:c\/|(?:${BEFORE.join('|')})(?![\p{L}\p{M}])\.?) ?${WORD}(?: ${WORD}){0,4},? ?${NUMBER}`, 'giu'),
  new RegExp(String.raw`(?<![\p{L}\p{M}\p{N}])[\p{L}\p{M}]*(?:${SWEDISH_ENDINGS.join('|')}) ?${NUMBER}`, 'giu'),
  new RegExp(String.raw`(?<![\p{L}\p{M}\p{N}])\d{1,4}[A-Z]? (?:${WORD} ){0,3}(?:${ENGLISH_AFTER.join('|')})\.?(?![\p{L}\p{M}\p{N}])`, 'giu'),
];
