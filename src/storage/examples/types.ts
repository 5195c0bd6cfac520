/**
 * The training overlay: examples staff taught (from the review list or directly), kept in the
 * store rather than in intents/, and the review groups they dismissed. Every change raises the
 * overlay's version in the same atomic step, so that each instance sees that it must retrain.
 */
export interface TaughtExample {
  id: string;
  /** The text as taught (from the review list: redacted as the statistics keep it). */
  text: string;
  /** The text normalised (src/nlu/normalize.ts): two examples with the same one and language are the same example. */
  norm: string;
  lang: string;
  /** An intent id, or out_of_scope. */
  intent: string;
  /** Who taught it (a username, or api-token) and when. */
  by: string;
  at: string;
  /** The organisation it was taught for (who may undo it); none: taught with the token or by an admin. */
  org?: string;
  /** The review group it came from. */
  review?: string;
}

/** What add() did: stored it, found the same example already there, or found the same text taught as another intent. */
export type AddOutcome = { added: TaughtExample } | { existing: TaughtExample } | { conflict: TaughtExample };

export interface ExampleRepository {
  /** Adds the example unless one with the same language and normalised text is there (then that one is returned). */
  add(example: TaughtExample): Promise<AddOutcome>;
  /** Removes an example; the one removed, or undefined. */
  remove(id: string): Promise<TaughtExample | undefined>;
  /** Every example, oldest first. */
  list(): Promise<TaughtExample[]>;
  /** Raised by every change: an instance whose model was trained on an older one retrains. */
  version(): Promise<number>;
  /** Takes a review group off the review list (its message needs no teaching). */
  dismiss(review: string): Promise<void>;
  dismissed(): Promise<string[]>;
}

/** The key two examples share when they are the same (language and normalised text). */
export const exampleKey = (e: Pick<TaughtExample, 'lang' | 'norm'>) => `${e.lang}|${e.norm}`;
