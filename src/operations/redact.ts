/** Personal data patterns removed from stored questions: emails, IBANs, Spanish DNI/NIE, phone numbers. */
const PATTERNS: [RegExp, string][] = [
  [/[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu, '[email]'],
  [/\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){3,7}(?:[ -]?[A-Z0-9]{1,4})?\b/gi, '[iban]'],
  [/\b[XYZ][ -]?\d{7}[ -]?[A-Z]\b/gi, '[id]'],
  [/\b\d{8}[ -]?[A-Z]\b/gi, '[id]'],
  [/(?:\+|\b00)?\d[\d .\/()-]{6,}\d\b/g, '[phone]'],
];

export function redact(text: string): string {
  return PATTERNS.reduce((t, [re, label]) => t.replace(re, label), text);
}
