import fs from 'node:fs';
import type Keyv from 'keyv';
import { loadKnowledge } from '../knowledge/loader.js';
import type { Knowledge, StatusChange } from '../knowledge/knowledge.js';
import type { KnowledgeBase, Office } from '../knowledge/schema.js';
import { Serial } from '../storage/serial.js';

export interface AuditEntry {
  at: string;
  office: string;
  actor: string;
  before: Pick<Office, 'status' | 'expectedReopening' | 'notes'>;
  after: Pick<Office, 'status' | 'expectedReopening' | 'notes'>;
}

type Listener = (office: Office, entry: AuditEntry) => Promise<void> | void;

const snapshot = (o: Office) => ({ status: o.status, expectedReopening: o.expectedReopening, notes: o.notes });

/**
 * Staff's live changes: applied to the knowledge in service, persisted (they survive restarts
 * and knowledge reloads), audit-logged, and announced to listeners (the notifier).
 */
export class LiveStatus {
  private listeners: Listener[] = [];
  private watcher?: fs.FSWatcher;
  private follower?: NodeJS.Timeout;
  /** The status record and the audit log are read-modify-writes: one change at a time. */
  private readonly changes = new Serial();

  constructor(
    private readonly knowledge: Knowledge,
    private readonly status: Keyv,
    private readonly audit: Keyv,
    private readonly knowledgeDir: string,
    private readonly onReload: (kb: KnowledgeBase) => void = () => {},
  ) {}

  /** Re-reads the store every few seconds, so that a change made on another instance shows here. */
  follow(everyMs: number, onError: (err: unknown) => void): void {
    this.follower = setInterval(() => void this.restore().catch(onError), everyMs);
    this.follower.unref();
  }

  /** Re-applies the changes kept in the store (at start, and after another instance changed one). */
  async restore(): Promise<void> {
    for (const office of this.knowledge.base.offices) {
      const change = await this.status.get(office.id);
      if (change) this.knowledge.setOverride(office.id, change);
    }
  }

  onChange(listener: Listener): void {
    this.listeners.push(listener);
  }

  update(id: string, change: StatusChange, actor = 'admin'): Promise<Office | undefined> {
    const done = this.changes.run(async () => {
      const before = this.knowledge.office(id);
      if (!before) return undefined;
      const previous = (await this.status.get(id)) ?? {};
      const stored = { ...previous, ...change, updatedAt: new Date().toISOString() };
      if (change.note) stored.note = { ...previous.note, ...change.note };
      await this.status.set(id, stored);
      this.knowledge.setOverride(id, stored);
      const after = this.knowledge.office(id)!;
      const entry: AuditEntry = { at: stored.updatedAt, office: id, actor, before: snapshot(before), after: snapshot(after) };
      const log: AuditEntry[] = (await this.audit.get('log')) ?? [];
      log.push(entry);
      await this.audit.set('log', log);
      return { after, entry };
    });
    // Listeners (the notifier) run outside the lock: a slow fan-out does not hold up staff.
    return done.then(async (result) => {
      if (!result) return undefined;
      for (const listener of this.listeners) await listener(result.after, result.entry);
      return result.after;
    });
  }

  async auditLog(): Promise<AuditEntry[]> {
    return (await this.audit.get('log')) ?? [];
  }

  /** Re-reads knowledge/: an invalid knowledge base throws and the one in service stays. */
  reload(): KnowledgeBase {
    const kb = loadKnowledge(this.knowledgeDir);
    this.knowledge.replace(kb);
    this.onReload(kb);
    return kb;
  }

  /** Picks up edited files on their own, under the same rule as reload(). */
  watch(onError: (err: unknown) => void, onReloaded: () => void = () => {}): void {
    let timer: NodeJS.Timeout | undefined;
    this.watcher = fs.watch(this.knowledgeDir, () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        try {
          this.reload();
          onReloaded();
        } catch (err) {
          onError(err);
        }
      }, 300);
    });
  }

  stop(): void {
    this.watcher?.close();
    clearInterval(this.follower);
  }
}
