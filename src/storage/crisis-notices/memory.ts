import { snapshot, type CrisisNotice, type CrisisNoticeLogEntry, type CrisisNoticeRepository } from './types.js';

/** The notices in process memory (STORE=memory): each operation runs without a pause. */
export class MemoryCrisisNotices implements CrisisNoticeRepository {
  private notices = new Map<string, CrisisNotice>();
  private log: CrisisNoticeLogEntry[] = [];

  async set(notice: CrisisNotice, entry: Omit<CrisisNoticeLogEntry, 'before'>): Promise<CrisisNotice | undefined> {
    const before = this.notices.get(notice.org);
    this.notices.set(notice.org, notice);
    this.log.push({ ...entry, ...(before ? { before: snapshot(before) } : {}) });
    return before;
  }

  async end(org: string, entry: Omit<CrisisNoticeLogEntry, 'before'>): Promise<CrisisNotice | undefined> {
    const before = this.notices.get(org);
    if (!before) return undefined;
    this.notices.delete(org);
    this.log.push({ ...entry, before: snapshot(before) });
    return before;
  }

  async all(): Promise<CrisisNotice[]> {
    return [...this.notices.values()];
  }

  async size(): Promise<number> {
    return this.log.length;
  }

  async range(from: number, to: number): Promise<CrisisNoticeLogEntry[]> {
    return this.log.slice(from, to);
  }
}
