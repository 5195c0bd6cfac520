export interface FallbackEvents {
  /** Called once when the store fails, and once when it is back. */
  onDegraded(err: unknown): void;
  onRecovered(): void;
}

/**
 * Which parts of the store are failing (the sessions' keyv, the records' client): one report
 * when the first fails, one when the last is back, whatever the number of calls that failed.
 */
export class StoreHealth {
  private down = new Set<string>();

  constructor(private readonly events: FallbackEvents) {}

  get degraded(): boolean {
    return this.down.size > 0;
  }

  failed(part: string, err: unknown): void {
    if (this.down.has(part)) return;
    this.down.add(part);
    if (this.down.size === 1) this.events.onDegraded(err);
  }

  recovered(part: string): void {
    if (!this.down.delete(part)) return;
    if (this.down.size === 0) this.events.onRecovered();
  }
}
