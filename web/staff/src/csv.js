// CSV files of the console's tables, as spreadsheets read them.

/**
 * One cell: quoted when it holds a comma, quote, semicolon or line break; a text that a spreadsheet
 * would run as a formula (=, +, -, @, tab, CR first: citizens' questions are among these cells)
 * gets a leading apostrophe, as OWASP advises against CSV injection.
 */
export function csvCell(value) {
  let text = String(value ?? '');
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",;\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The table as CSV text: a header row, then one row per label; lines end in CRLF (RFC 4180). */
export function toCsv(axis, labels, series) {
  const rows = [[axis, ...series.map((s) => s.label)], ...labels.map((label, i) => [label, ...series.map((s) => s.data[i])])];
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
