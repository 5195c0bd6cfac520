import { describe, expect, it } from 'vitest';
import { redact } from '../../src/privacy/redact.js';
import { cleanText } from '../../src/privacy/clean-text.js';
import { ADDRESSES, DIGIT, EMAILS, SAMPLES, writings } from '../support/personal-data.js';

describe('redact', () => {
  for (const sample of SAMPLES) {
    it.each(writings(sample.parts))(`removes a ${sample.name} written with %s`, (_how, written) => {
      const out = redact(`mi dato es ${written} gracias`);
      expect(out, out).not.toMatch(DIGIT);
      expect(out.toUpperCase()).not.toContain(sample.secret.toUpperCase());
      expect(out).toMatch(/^mi dato es \[\w+\] gracias$/);
    });
  }

  it.each(EMAILS.flatMap((email) => [[email, email], [email, email.replace(/[0-9A-Za-z@.+]/g, (c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0))]]))(
    'removes the e-mail address %s (as %s)',
    (_email, written) => {
      expect(redact(`escríbame a ${written}, gracias`)).toBe('escríbame a [email], gracias');
    },
  );

  it.each(ADDRESSES)('removes the street and numbers of $text', ({ text, secrets }) => {
    const out = redact(`I live at ${text}, what about the football?`);
    expect(out, out).not.toMatch(DIGIT);
    for (const secret of secrets) expect(out).not.toContain(secret);
    expect(out).toContain('[address]');
  });

  // What a penetration test found kept (#33, 9): names after "my name is", a plate, a street
  // without a street word, a phone number in words, e-mail addresses with "@" and "." spelled out.
  it.each([
    ['Hola, me llamo Ana García López y quiero saber si abre la OMAC', 'Hola, me llamo [name] y quiero saber si abre la OMAC'],
    ['Bon dia, em dic Pau i vull un certificat', 'Bon dia, em dic [name] i vull un certificat'],
    ['Buongiorno, mi chiamo Mario Rossi, la sede è aperta?', 'Buongiorno, mi chiamo [name], la sede è aperta?'],
    ['Hej, jag heter Sven Andersson och undrar om kontoret är öppet', 'Hej, jag heter [name] och undrar om kontoret är öppet'],
    ['my name is john smith and I need help', 'my name is [name] and I need help'],
    ['mi coche con matrícula 1234 BCD está mal aparcado', 'mi coche con matrícula [plate] está mal aparcado'],
    ['la targa è AB 123 CD', 'la targa è [plate]'],
    ['bilen ABC 123 står utanför', 'bilen [plate] står utanför'],
    ['vivo en Reina Victoria 12, 3º B y quiero el padrón', 'vivo en [address] y quiero el padrón'],
    ['mi teléfono es seis cero cero uno dos tres cuatro cinco seis', 'mi teléfono es [phone]'],
    ['call me on seven oh seven, one two three, four five six', 'call me on [phone]'],
    ['escribid a ana [at] example [dot] com por favor', 'escribid a [email] por favor'],
    ['mail mario arroba comune punto it', 'mail [email]'],
  ])('removes %s', (text, redacted) => {
    expect(redact(text)).toBe(redacted);
  });

  it('keeps what only looks like them', () => {
    for (const text of ['soy de Elche y tengo dos o tres preguntas', 'de 2026 a 2027', 'the 368 certificates of the first day', 'uno dos tres cuatro', 'Tengo cita el 12 de mayo', 'vivo a la calle mayor', 'look at the office']) {
      expect(redact(text)).toBe(text);
    }
  });

  it('keeps what is not personal data, and labels what is', () => {
    expect(redact('Is OMAC Torrellano open? covid19 from 9:00 to 14:00')).toBe('Is OMAC Torrellano open? covid19 from 9:00 to 14:00');
    expect(redact('IBAN ES91 2100 0418 4502 0005 1332 gracias')).toBe('IBAN [iban] gracias');
    expect(redact('my DNI is 12345678Z and my phone 600 123 456, mail me at ana@example.com')).toBe('my DNI is [id] and my phone [phone], mail me at [email]');
    expect(redact('tarjeta 4111 1111 1111 1111, pnr 811218-9876, CF RSSMRA85T10A562S')).toBe('tarjeta [card], pnr [id], CF [id]');
    // A failed check digit is not a card, but its digits still go.
    expect(redact('4111 1111 1111 1112')).toBe('[number]');
  });

  it('keeps at most the first characters asked for, never half an emoji', () => {
    expect(redact('😀'.repeat(300), 200)).toBe('😀'.repeat(200));
    expect(redact('x'.repeat(300), 200)).toHaveLength(200);
  });

  it('takes time in proportion to the text, whatever the text', () => {
    const units = ['漢', 'a', 'Ж', 'ب', '1', '1 ', 'a.', '.-', 'a@', 'x1', 'calle ', '1 st ', 'a\u0301\u0316', '\u00a0', 'ES12 '];
    const best = (texts: string[]) => {
      let ms = Infinity;
      for (let i = 0; i < 7; i++) {
        const t = performance.now();
        for (const text of texts) redact(text);
        ms = Math.min(ms, performance.now() - t);
      }
      return ms;
    };
    for (const unit of units) {
      const short = unit.repeat(Math.ceil(2_000 / unit.length));
      const long = short.repeat(8);
      redact(long);
      // The same characters in one text or in eight: linear takes about as long, quadratic (the old e-mail pattern) 8 times.
      const eight = best(Array(8).fill(short));
      expect(best([long]) / eight, JSON.stringify(unit)).toBeLessThan(3);
    }
  });
});

describe('cleanText', () => {
  it('drops controls and bidi controls, keeps line breaks, tabs and joiners', () => {
    expect(cleanText('hola\u202eevil\u200f\u2066x\u0000\u001b[31m\u0085')).toBe('holaevilx[31m');
    expect(cleanText('a\tb\r\nc')).toBe('a\tb\nc');
    expect(cleanText('👨‍👩‍👧')).toBe('👨‍👩‍👧');
  });

  it('replaces lone surrogates and caps runs of combining marks at 30', () => {
    expect(cleanText('a\ud800b')).toBe('a\ufffdb');
    expect(cleanText('😀')).toBe('😀');
    expect(cleanText(`a${'\u0301'.repeat(2_000)}b`)).toBe(`a${'\u0301'.repeat(30)}b`);
  });
});
