import type { Features, SparseRows } from './encoders/types.js';

/** Letters that tell the five languages apart and that normalisation strips (està / está). */
export const MARKED = 'àèòìùáéíóúïüñç·äöå';

/** The value of a mark's feature (index dim + its place in MARKED). */
const MARK = 0.5;

/** Which letters of MARKED the raw text has, by their place in MARKED. */
function marksOf(raw: string): number[] {
  const lower = raw.toLowerCase();
  const found: number[] = [];
  for (let i = 0; i < MARKED.length; i++) if (lower.includes(MARKED[i])) found.push(i);
  return found;
}

/** One feature (index dim + i) per letter of MARKED that the raw text has: they follow its n-gram features. */
export function marks(raw: string, dim: number): Features {
  const indices = marksOf(raw).map((i) => dim + i);
  return { indices, values: indices.map(() => MARK) };
}

/** The language head's training matrix: each example's n-gram features (a row of `rows`) with its marks. */
export function languageRows(raws: string[], rows: SparseRows, dim: number): SparseRows {
  const found = raws.map(marksOf);
  const start = new Int32Array(raws.length + 1);
  found.forEach((m, i) => (start[i + 1] = start[i] + rows.start[i + 1] - rows.start[i] + m.length));
  const col = new Int32Array(start[raws.length]);
  const val = new Float64Array(start[raws.length]);
  found.forEach((m, i) => {
    const from = rows.start[i];
    const to = rows.start[i + 1];
    col.set(rows.col.subarray(from, to), start[i]);
    val.set(rows.val.subarray(from, to), start[i]);
    m.forEach((mark, j) => {
      col[start[i] + to - from + j] = dim + mark;
      val[start[i] + to - from + j] = MARK;
    });
  });
  return { start, col, val };
}
