import { toRows, type Features, type SparseRows } from './encoders/types.js';

/** Letters that tell the five languages apart and that normalisation strips (està / está). */
export const MARKED = 'àèòìùáéíóúïüñç·äöå';

/** The n-gram features plus one feature (index dim + i) per marked letter present in the raw text. */
export function withMarks(raw: string, features: Features, dim: number): Features {
  const indices = features.indices.slice();
  const values = features.values.slice();
  const lower = raw.toLowerCase();
  for (let i = 0; i < MARKED.length; i++) {
    if (lower.includes(MARKED[i])) {
      indices.push(dim + i);
      values.push(0.5);
    }
  }
  return { indices, values };
}

/** The language head's training matrix: each example's n-gram features with its marks. */
export const languageRows = (raws: string[], features: Features[], dim: number): SparseRows =>
  toRows(raws.map((raw, i) => withMarks(raw, features[i], dim)));
