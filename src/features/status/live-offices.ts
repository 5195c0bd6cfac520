import fs from 'node:fs';
import { loadKnowledge } from '../../knowledge/loader.js';
import type { Knowledge, StatusChange } from '../../knowledge/knowledge.js';
import type { KnowledgeBase, Office } from '../../knowledge/schema.js';
import { isServiceEntry, type AuditEntry, type AuditRepository, type StatusRepository, type StoredStatus } from '../../storage/index.js';
import { newChangeId } from '../notifications/notices.js';
import { replacedNote, restamp } from '../../knowledge/freshness.js';

export type { AuditEntry } from '../../storage/index.js';

/** Told of a change (its audit entry says which: `undoes` for an undo); the office as it is now. */
type Listener = (office: Office, entry: AuditEntry) => Promise<void> | void;

const snapshot = (o: Office) => ({ status: o.status, expectedReopening: o.expectedReopening, notes: o.notes });

/** The knowledge is kept in the store (published from the console or imported): the files no longer serve. */
export class FilesNotServing extends Error {
  constructor(readonly version: number) {
    super(`the knowledge in service is version ${version}, kept in the store: load edited files with \`npm run admin -- knowledge import DIR\``);
    this.name = 'FilesNotServing';
  }
}

/** How long after it was made the last change of an office can be undone. */
export const UNDO_WINDOW_MS = 10 * 60_000;

/** Why an undo is refused: no change of this office to undo, too late, or its last change is already an undo. */
export type UndoRefusal = 'nothing' | 'expired' | 'undone';

/**
 * A change as it is applied: a note replaces the one before in every language (the knowledge
 * base's too: a language it leaves out is cleared, and answers there show the note of the
 * organisation's language instead), and a new status without a note starts with none (a note
 * belongs to the status it was written for: "Reabierta a las 9:00" must not outlive the opening).
 */
export function completeChange(before: Office, change: StatusChange): StatusChange {
  const note = replacedNote(before.notes, change.note, change.status !== undefined && change.status !== before.status);
  return note ? { ...change, note } : change;
}

/** A change with when each language of its note was written: a language edited now, the others as they were (src/knowledge/freshness.ts). */
function stamped(before: Office, change: StatusChange, at: string): StatusChange {
  if (!change.note) return change;
  return { ...change, noteWritten: restamp(before.notes, { ...before.notes, ...change.note }, before.notesWritten, at) };
}

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
    /** The version of the knowledge in service, kept in the store (0: the files serve, and reloading them is allowed). */
    private readonly storedVersion: () => number = () => 0,
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
    const before = await this.current(id);
    if (!before) return undefined;
    // The store merges the change into the office's record: two instances never undo each other's.
    const at = new Date().toISOString();
    const stored = await this.status.change(id, { ...stamped(before, completeChange(before, change), at), updatedAt: at, updatedBy: actor });
    return this.applied(id, before, stored, actor, {});
  }

  /** The knowledge as it would be after the change, and the office in it: a copy, nothing is saved, served or sent. */
  async tryOn(id: string, change: StatusChange): Promise<{ before: Office; knowledge: Knowledge; office: Office } | undefined> {
    const before = await this.current(id);
    if (!before) return undefined;
    const at = new Date().toISOString();
    const knowledge = this.knowledge.withChange(id, { ...stamped(before, completeChange(before, change), at), updatedAt: at });
    return { before, knowledge, office: knowledge.office(id)! };
  }

  /**
   * Undoes the office's last change if it was made within UNDO_WINDOW_MS: its state before comes
   * back, and the listeners are told with `undoes` (the notifier then corrects only those who were
   * told of the change). Audited like any change.
   */
  async undo(id: string, actor: string): Promise<Office | { refused: UndoRefusal }> {
    const current = await this.current(id);
    const last = (await this.audit.list()).filter((e): e is AuditEntry => !isServiceEntry(e) && e.office === id).at(-1);
    if (!current || !last?.change) return { refused: 'nothing' };
    if (last.undoes) return { refused: 'undone' };
    if (Date.now() - Date.parse(last.at) > UNDO_WINDOW_MS) return { refused: 'expired' };
    const { before } = last;
    // Words of the knowledge base in several languages are no stored value: left out, they come back from the files.
    const record: StoredStatus = {
      status: before.status,
      ...(typeof before.expectedReopening === 'string' ? { expectedReopening: before.expectedReopening } : {}),
      note: before.notes,
      updatedAt: new Date().toISOString(),
      updatedBy: actor,
    };
    await this.status.replace(id, record);
    return this.applied(id, current, record, actor, { undoes: last.change });
  }

  /** The office as the store has it now (another instance may have changed it since this one last read it). */
  private async current(id: string): Promise<Office | undefined> {
    if (!this.knowledge.office(id)) return undefined;
    const stored = (await this.status.all([id])).get(id);
    if (stored) this.knowledge.setOverride(id, stored);
    return this.knowledge.office(id);
  }

  /** Serves a stored record, audits it and tells the listeners. */
  private async applied(id: string, before: Office, stored: StoredStatus, actor: string, extra: Pick<AuditEntry, 'undoes'>): Promise<Office> {
    this.knowledge.setOverride(id, stored);
    this.changes.set(id, { updatedAt: stored.updatedAt, updatedBy: actor });
    const after = this.knowledge.office(id)!;
    const entry: AuditEntry = { at: stored.updatedAt, office: id, actor, before: snapshot(before), after: snapshot(after), change: newChangeId(), ...extra };
    await this.audit.append(entry);
    for (const listener of this.listeners) await listener(after, entry);
    return after;
  }

  /** The offices' changes in the log (services' are LiveServices'). */
  async auditLog(): Promise<AuditEntry[]> {
    return (await this.audit.list()).filter((e): e is AuditEntry => !isServiceEntry(e));
  }

  /** Re-reads knowledge/: an invalid knowledge base throws and the one in service stays, as does one kept in the store. */
  reload(): KnowledgeBase {
    if (this.storedVersion() > 0) throw new FilesNotServing(this.storedVersion());
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
