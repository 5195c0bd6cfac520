/**
 * Runs async tasks one at a time, in the order they were asked for: for read-modify-writes of
 * shared store records, which concurrent callers would otherwise undo for each other.
 * A failed task rejects its own caller only; the next task still runs.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task);
    this.tail = next.catch(() => {});
    return next;
  }
}
