import type { Knowledge, ServiceChange } from '../../knowledge/knowledge.js';
import type { Service } from '../../knowledge/schema.js';
import type { AuditRepository, ServiceAuditEntry, ServiceSnapshot, ServiceStatusRepository } from '../../storage/index.js';
import { isServiceEntry } from '../../storage/index.js';
import { newChangeId } from '../notifications/notices.js';
import { replacedNote, restamp } from '../../knowledge/freshness.js';

/** Told of a service's change; the service as it is now. */
type Listener = (service: Service, entry: ServiceAuditEntry) => Promise<void> | void;

const snapshot = (s: Service): ServiceSnapshot => ({ status: s.status, note: s.note, ...(s.expected ? { expected: s.expected } : {}) });

/**
 * A service's change as it is applied. A note replaces the one before in every language (a language
 * left out shows another, marked as such); a new status without a note starts with none, as for
 * offices; and staff's first change replaces the knowledge base's words ("está temporalmente fuera de
 * servicio", said after the service's name) with their own note, a sentence of its own, or none.
 */
export function completeServiceChange(before: Service, change: ServiceChange): ServiceChange {
  const note = replacedNote(before.note, change.note, !before.updatedAt || (change.status !== undefined && change.status !== before.status));
  return note ? { ...change, note } : change;
}

/** A change with when each language of its note was written: a language edited now, the others as they were (src/knowledge/freshness.ts). */
function stamped(before: Service, change: ServiceChange, at: string): ServiceChange {
  if (!change.note) return change;
  return { ...change, noteWritten: restamp(before.note, { ...before.note, ...change.note }, before.noteWritten, at) };
}

/**
 * Staff's live changes of services and channels (website, e-office, phone help…), as LiveStatus
 * keeps offices': applied to the knowledge in service at once, kept in the store (they survive
 * restarts and new knowledge versions), audit-logged beside the offices' changes, and announced to
 * listeners (the notifier). A change the store does not take throws StoreUnavailableError.
 */
export class LiveServices {
  private listeners: Listener[] = [];
  /** Who made each service's last change (the board shows it). */
  private changes = new Map<string, string>();
  private follower?: NodeJS.Timeout;

  constructor(
    private readonly knowledge: Knowledge,
    private readonly status: ServiceStatusRepository,
    private readonly audit: AuditRepository,
  ) {}

  /** Re-applies the changes kept in the store (at start, on a new knowledge version, after another instance changed one). */
  async restore(): Promise<void> {
    const stored = await this.status.all(this.knowledge.base.services.map((s) => s.id));
    for (const [id, change] of stored) {
      this.knowledge.setServiceOverride(id, change);
      if (change.updatedBy) this.changes.set(id, change.updatedBy);
    }
  }

  /** Re-reads the store every few seconds, so that a change made on another instance shows here. */
  follow(everyMs: number, onError: (err: unknown) => void): void {
    this.follower = setInterval(() => void this.restore().catch(onError), everyMs);
    this.follower.unref();
  }

  onChange(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** Who made the service's last change; nothing while the knowledge base's state stands. */
  changedBy(id: string): string | undefined {
    return this.changes.get(id);
  }

  async update(id: string, change: ServiceChange, actor: string): Promise<Service | undefined> {
    const before = await this.current(id);
    if (!before) return undefined;
    const at = new Date().toISOString();
    const stored = await this.status.change(id, { ...stamped(before, completeServiceChange(before, change), at), updatedAt: at, updatedBy: actor });
    this.knowledge.setServiceOverride(id, stored);
    this.changes.set(id, actor);
    const after = this.knowledge.serviceById(id)!;
    const entry: ServiceAuditEntry = { at: stored.updatedAt, service: id, actor, before: snapshot(before), after: snapshot(after), change: newChangeId() };
    await this.audit.append(entry);
    for (const listener of this.listeners) await listener(after, entry);
    return after;
  }

  /** The knowledge as it would be after the change, and the service in it: a copy, nothing is saved, served or sent. */
  async tryOn(id: string, change: ServiceChange): Promise<{ before: Service; knowledge: Knowledge; service: Service } | undefined> {
    const before = await this.current(id);
    if (!before) return undefined;
    const at = new Date().toISOString();
    const knowledge = this.knowledge.withServiceChange(id, { ...stamped(before, completeServiceChange(before, change), at), updatedAt: at });
    return { before, knowledge, service: knowledge.serviceById(id)! };
  }

  /** The services' changes in the audit log, oldest first. */
  async auditLog(): Promise<ServiceAuditEntry[]> {
    return (await this.audit.list()).filter(isServiceEntry);
  }

  /** The service as the store has it now (another instance may have changed it since this one last read it). */
  private async current(id: string): Promise<Service | undefined> {
    if (!this.knowledge.serviceById(id)) return undefined;
    const stored = (await this.status.all([id])).get(id);
    if (stored) this.knowledge.setServiceOverride(id, stored);
    return this.knowledge.serviceById(id);
  }

  stop(): void {
    clearInterval(this.follower);
  }
}
