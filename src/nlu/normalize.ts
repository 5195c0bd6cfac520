const MARKS = /[\u0300-\u036f]/g;
const NON_WORD = /[^\p{L}\p{N}]+/gu;

/** Lowercase, strip accents, keep letters and digits only: "¿Está ABIERTA la OMAC?" -> "esta abierta la omac". */
export function normalize(text: string): string {
  return text.normalize('NFD').replace(MARKS, '').toLowerCase().replace(NON_WORD, ' ').trim();
}

export function tokens(normalized: string): string[] {
  return normalized.length === 0 ? [] : normalized.split(' ');
}
