const MARKS = /[\u0300-\u036f]/g;
const NON_WORD = /[^\p{L}\p{N}]+/gu;

const ASCII = /^[\x00-\x7f]*$/;
const ASCII_NON_WORD = /[^a-z0-9]+/g;

/** Lowercase, strip accents, keep letters and digits only: "¿Está ABIERTA la OMAC?" -> "esta abierta la omac". */
export function normalize(text: string): string {
  // Most English and many hurried messages are plain ASCII: no Unicode decomposition needed.
  if (ASCII.test(text)) return text.toLowerCase().replace(ASCII_NON_WORD, ' ').trim();
  return text.normalize('NFD').replace(MARKS, '').toLowerCase().replace(NON_WORD, ' ').trim();
}

export function tokens(normalized: string): string[] {
  return normalized.length === 0 ? [] : normalized.split(' ');
}
