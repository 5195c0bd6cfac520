/**
 * Personal data as citizens type or paste it: each sample in its parts, written with the
 * separators and digits that copy-paste brings (NBSP, thin space, zero-width space, dots,
 * fullwidth and Arabic-Indic digits). All numbers are the formats' documented examples or
 * made up, and pass their check digits.
 */
export interface Sample {
  name: string;
  /** The parts a person separates when writing it. */
  parts: string[];
  /** What must not survive redaction, besides every digit. */
  secret: string;
}

export const SAMPLES: Sample[] = [
  { name: 'Spanish mobile', parts: ['600', '123', '456'], secret: '600' },
  { name: 'Spanish phone, international', parts: ['+34', '965', '12', '34', '56'], secret: '965' },
  { name: 'Italian mobile', parts: ['333', '123', '4567'], secret: '4567' },
  { name: 'Italian phone, international', parts: ['+39', '02', '1234', '5678'], secret: '5678' },
  { name: 'Swedish mobile', parts: ['070', '123', '45', '67'], secret: '070' },
  { name: 'Swedish phone, international', parts: ['+46', '70', '123', '45', '67'], secret: '+46' },
  { name: 'UK phone', parts: ['+44', '20', '7946', '0958'], secret: '7946' },
  { name: 'DNI', parts: ['12', '345', '678', 'Z'], secret: '678' },
  { name: 'NIE', parts: ['Y', '1234567', 'X'], secret: '1234567' },
  { name: 'codice fiscale', parts: ['RSS', 'MRA', '85T10', 'A562S'], secret: 'MRA' },
  { name: 'personnummer', parts: ['19811218', '9876'], secret: '9876' },
  { name: 'Spanish IBAN', parts: ['ES91', '2100', '0418', '4502', '0005', '1332'], secret: '0418' },
  { name: 'Italian IBAN', parts: ['IT60', 'X054', '2811', '1010', '0000', '0123', '456'], secret: 'X054' },
  { name: 'Swedish IBAN', parts: ['SE45', '5000', '0000', '0583', '9825', '7466'], secret: '9825' },
  { name: 'passport', parts: ['PAA', '123456'], secret: '123456' },
  { name: 'card', parts: ['4111', '1111', '1111', '1111'], secret: '1111' },
  { name: 'card, Mastercard', parts: ['5555', '5555', '5555', '4444'], secret: '4444' },
];

/** Written whole, as e-mail addresses are: only the digits and letters change. */
export const EMAILS = ['ana.garcia@example.com', 'mario.rossi+comune@example.it', 'name@localhost'];

/** Street addresses and what must not survive of each. */
export const ADDRESSES: { text: string; secrets: string[] }[] = [
  { text: 'Calle Mayor 12, 03201 Elche', secrets: ['Mayor'] },
  { text: 'C/ Major, 3, 46200 Paiporta', secrets: ['Major'] },
  { text: 'Via Roma 10, 22100 Como', secrets: ['Roma'] },
  { text: 'Storgatan 5, 123 45 Stockholm', secrets: ['Storgatan'] },
  { text: '221B Baker Street, London', secrets: ['Baker'] },
];

const fullwidth = (s: string) => s.replace(/[0-9A-Za-z@.+]/g, (c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0));
const arabicIndic = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCodePoint(0x0660 + Number(d)));

/** Every way a sample is written: [how, text]. */
export function writings(parts: string[]): [string, string][] {
  const joined = (sep: string) => parts.join(sep);
  return [
    ['together', joined('')],
    ['spaces', joined(' ')],
    ['NBSP', joined('\u00a0')],
    ['thin spaces', joined('\u2009')],
    ['zero-width spaces', joined('\u200b')],
    ['dots', joined('.')],
    ['fullwidth', fullwidth(joined(' '))],
    ['Arabic-Indic digits', arabicIndic(joined(' '))],
  ];
}

/** Any decimal digit, of any script. */
export const DIGIT = /\p{Nd}/u;
