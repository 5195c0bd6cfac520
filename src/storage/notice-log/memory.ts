import { TOLD_KEPT_MS, WITHDRAWN_KEPT_MS, type NoticeLogRepository } from './types.js';

/** The log in process memory (STORE=memory): each operation runs without a pause, so both are atomic. */
export class MemoryNoticeLog implements NoticeLogRepository {
  private told = new Map<string, { keys: Set<string>; until: number }>();
  private withdrawn = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async tell(changeId: string, addressKeys: string[]): Promise<boolean> {
    this.purge();
    if (this.withdrawn.has(changeId)) return false;
    const entry = this.told.get(changeId) ?? { keys: new Set<string>(), until: 0 };
    for (const key of addressKeys) entry.keys.add(key);
    entry.until = this.now() + TOLD_KEPT_MS;
    this.told.set(changeId, entry);
    return true;
  }

  async withdraw(changeId: string): Promise<string[]> {
    this.purge();
    this.withdrawn.set(changeId, this.now() + WITHDRAWN_KEPT_MS);
    return [...(this.told.get(changeId)?.keys ?? [])];
  }

  private purge(): void {
    const now = this.now();
    for (const [id, { until }] of this.told) if (until < now) this.told.delete(id);
    for (const [id, until] of this.withdrawn) if (until < now) this.withdrawn.delete(id);
  }
}
