/** A sparse feature vector: parallel arrays of indices and values. */
export interface Features {
  indices: number[];
  values: number[];
}

/**
 * An encoder turns a normalised text into features (Rasa's featurizers).
 * `fit` sees the training texts once; `dim` is fixed after it.
 */
export interface Encoder {
  readonly name: string;
  readonly dim: number;
  fit(texts: string[]): Promise<void> | void;
  encode(text: string): Features;
  /** Encodes many texts at once; batch-capable encoders are much faster this way. */
  encodeBatch?(texts: string[]): Promise<Features[]>;
}
