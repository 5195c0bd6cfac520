/** A sparse feature vector: parallel arrays of indices and values. */
export interface Features {
  indices: number[];
  values: number[];
}
