/**
 * The store did not take a write (unreachable, or no answer in time). Callers refuse what they
 * were asked for instead of saying it was saved: the chat says "try again", staff get a 503.
 */
export class StoreUnavailableError extends Error {
  /** fastify's error handler answers with this status. */
  readonly statusCode = 503;

  constructor(cause?: unknown) {
    super('The store cannot be reached; nothing was saved.', { cause });
    this.name = 'StoreUnavailableError';
  }
}

/** Runs a store call, failing with StoreUnavailableError if it fails or takes longer than `ms`. */
export async function withinTime<T>(ms: number, op: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      op(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`store did not answer in ${ms} ms`)), ms);
      }),
    ]);
  } catch (err) {
    throw err instanceof StoreUnavailableError ? err : new StoreUnavailableError(err);
  } finally {
    clearTimeout(timer);
  }
}
