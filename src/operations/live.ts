import fs from 'node:fs';
import { loadKnowledge } from '../knowledge/loader.js';
import type { Knowledge, StatusChange } from '../knowledge/knowledge.js';
import { LANGS, type KnowledgeBase, type Office } from '../knowledge/schema.js';
import type { AuditEntry, AuditRepository, StatusRepository } from '../storage/index.js';

export type { AuditEntry } from '../storage/index.js';

type Listener = (office: Office, entry: AuditEntry) => Promise<void> | void;

const snapshot = (o: Office) => ({ status: o.status, expectedReopening: o.expectedReopening, notes: o.notes });

/**
 * Staff's live changes: applied to the knowledge in service, persisted (they survive restarts
 * and knowledge reloads), audit-logged, and announced to listeners (the notifier). A change the
 * store does not take throws StoreUnavailableError (staff get a 503), and one whose notices could
 * not be queued throws it too: staff make it again (a repeated change notifies again).
 */
export class LiveStatus {
  private listeners: Listener[] = [];
  /** Since when and by whom each office's live state is what it is (the status board shows it). */
  private changes = new Map<string, { updatedAt: string; updatedBy?: string }>();
  private watcher?: fs.FSWatcher;
  private follower?: NodeJS.Timeout;
  constructor(
    private readonly knowledge: Knowledge,
    private readonly status: StatusRepository,
    private readonly audit: AuditRepository,
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
    const stored = await this.status.all(this.knowledge.base.offices.map((o) => o.id));
    for (const [id, change] of stored) {
      this.knowledge.setOverride(id, change);
      this.changes.set(id, { updatedAt: change.updatedAt, ...(change.updatedBy ? { updatedBy: change.updatedBy } : {}) });
    }
  }

  /** Who made the office's last change, and when; nothing when the knowledge base's state stands. */
  changedBy(id: string): { updatedAt: string; updatedBy?: string } | undefined {
    return this.changes.get(id);
  }

  onChange(listener: Listener): void {
    this.listeners.push(listener);
  }

  async update(id: string, change: StatusChange, actor = 'admin'): Promise<Office | undefined> {
    const before = this.knowledge.office(id);
    if (!before) return undefined;
    // A note replaces the one before in every language (the knowledge base's too): a language it
    // leaves out is cleared, and answers there show the note of the organisation's language instead.
    const note = change.note && Object.fromEntries(LANGS.map((lang) => [lang, change.note![lang] ?? '']));
    // The store merges the change into the office's record: two instances never undo each other's.
    const stored = await this.status.change(id, { ...change, ...(note ? { note } : {}), updatedAt: new Date().toISOString(), updatedBy: actor });
    this.knowledge.setOverride(id, stored);
    this.changes.set(id, { updatedAt: stored.updatedAt, updatedBy: actor });
    const after = this.knowledge.office(id)!;
    const entry: AuditEntry = { at: stored.updatedAt, office: id, actor, before: snapshot(before), after: snapshot(after) };
    await this.audit.append(entry);
    for (const listener of this.listeners) await listener(after, entry);
    return after;
  }

  auditLog(): Promise<AuditEntry[]> {
    return this.audit.list();
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
