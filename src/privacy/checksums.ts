import { isValidIBAN } from 'ibantools';

/** The check digits and letters that tell an identity or account number from any run of digits. */

/** Luhn (cards, Swedish personnummer): doubling every second digit from the right, the sum ends in 0. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** ISO 13616, with each country's length and layout (ibantools keeps the registry). */
export function ibanValid(compact: string): boolean {
  return isValidIBAN(compact.toUpperCase());
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** Spanish DNI (7 or 8 digits) or NIE (X, Y or Z and 7 digits) and its letter: the number mod 23. */
export function dniValid(text: string): boolean {
  const id = text.replace(/[^A-Z0-9]/gi, '').toUpperCase();
  const m = /^(?:([XYZ])(\d{7})|(\d{7,8}))([A-Z])$/.exec(id);
  if (!m) return false;
  const number = Number(m[1] ? 'XYZ'.indexOf(m[1]) + m[2] : m[3]);
  return DNI_LETTERS[number % 23] === m[4];
}

const ND = /\p{Nd}/u;
const digitValues = new Map<string, string>();

/**
 * A decimal digit of any script as an ASCII digit. Unicode encodes every set of decimal digits
 * as ten consecutive code points from 0 to 9, and adjacent sets only whole, so a digit's value
 * is its distance from the start of its run of digits, modulo 10.
 */
export function asciiDigit(digit: string): string {
  let value = digitValues.get(digit);
  if (value === undefined) {
    const code = digit.codePointAt(0)!;
    let start = code;
    while (ND.test(String.fromCodePoint(start - 1))) start--;
    value = String((code - start) % 10);
    digitValues.set(digit, value);
  }
  return value;
}
