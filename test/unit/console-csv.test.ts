import { describe, expect, it } from 'vitest';
// @ts-expect-error: the console's browser code is plain JavaScript
import { csvCell, toCsv } from '../../web/staff/src/csv.js';

// The CSV files the console's charts download: what a spreadsheet will read.

describe('console CSV', () => {
  it('is a header row and a row per label, CRLF line ends', () => {
    const csv = toCsv('Día', ['2 dic', '3 dic'], [{ label: 'Certificados', data: [3, 0] }, { label: 'Cita previa', data: [1, 2] }]);
    expect(csv).toBe('Día,Certificados,Cita previa\r\n2 dic,3,1\r\n3 dic,0,2\r\n');
  });

  it('quotes cells with commas, quotes, semicolons and line breaks', () => {
    expect(csvCell('Oficina Única, Paiporta')).toBe('"Oficina Única, Paiporta"');
    expect(csvCell('dijo "hola"')).toBe('"dijo ""hola"""');
    expect(csvCell('a;b')).toBe('"a;b"');
    expect(csvCell('línea\nsiguiente')).toBe('"línea\nsiguiente"');
  });

  it("keeps a citizen's text from running as a formula in a spreadsheet (CSV injection)", () => {
    for (const text of ['=HYPERLINK("http://example.invalid","x")', '+1+1', '-2', '@SUM(A1)', '\tx']) {
      const cell = csvCell(text);
      expect(cell.replace(/^"/, '').startsWith("'"), text).toBe(true);
    }
    // Numbers stay numbers (a share can be 0, a count is never negative).
    expect(csvCell(-1)).toBe('-1');
    expect(csvCell(0.25)).toBe('0.25');
  });
});
