/** A sparse feature vector: parallel arrays of indices and values. */
export interface Features {
  indices: number[];
  values: number[];
}

/**
 * Many sparse vectors as one compressed sparse row matrix (row i is col/val[start[i], start[i+1])):
 * three typed arrays, which training loops read fast.
 */
export interface SparseRows {
  start: Int32Array;
  col: Int32Array;
  val: Float64Array;
}

export function toRows(samples: Features[]): SparseRows {
  const n = samples.length;
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i] + samples[i].indices.length;
  const col = new Int32Array(start[n]);
  const val = new Float64Array(start[n]);
  for (let i = 0; i < n; i++) {
    col.set(samples[i].indices, start[i]);
    val.set(samples[i].values, start[i]);
  }
  return { start, col, val };
}
