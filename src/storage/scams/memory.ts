import { logOf, SCAM_LOG_SHOWN, type ScamEntry, type ScamLogEntry, type ScamRepository } from './types.js';

/** The list in process memory (STORE=memory): each operation runs without a pause, so each is atomic. */
export class MemoryScams implements ScamRepository {
  private entries = new Map<string, ScamEntry>();
  private entriesLog: ScamLogEntry[] = [];

  async add(entry: ScamEntry): Promise<boolean> {
    const key = `${entry.org}|${entry.id}`;
    if (this.entries.has(key)) return false;
    this.entries.set(key, { ...entry });
    this.entriesLog.push(logOf(entry, 'add', entry.by, entry.at));
    return true;
  }

  async remove(org: string, id: string, actor: string, at: string): Promise<ScamEntry | undefined> {
    const entry = this.entries.get(`${org}|${id}`);
    if (!entry) return undefined;
    this.entries.delete(`${org}|${id}`);
    this.entriesLog.push(logOf(entry, 'remove', actor, at));
    return entry;
  }

  async list(org?: string): Promise<ScamEntry[]> {
    return [...this.entries.values()].filter((e) => !org || e.org === org).map((e) => ({ ...e }));
  }

  async log(org: string): Promise<ScamLogEntry[]> {
    return this.entriesLog.filter((e) => e.org === org).slice(-SCAM_LOG_SHOWN).reverse();
  }
}
