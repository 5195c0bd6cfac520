import type { Address } from '../domain/types.js';
import { mergeChange } from '../knowledge/knowledge.js';
import {
  COUNTED,
  MAX_UNANSWERED_PER_DAY,
  MAX_UNREAD_NOTICES,
  addressKey,
  deliveryKey,
  emptyDay,
  expires,
  firstTextDay,
  webExpiry,
  type Retention,
  type Notice,
  type AuditRecord,
  type AuditRepository,
  type Change,
  type DayStats,
  type Delivery,
  type InboxRepository,
  type OutboxRepository,
  type StatsRepository,
  type StatusRepository,
  type StoredStatus,
  type Subscriber,
  type SubscriptionRepository,
} from './types.js';

/**
 * STORE=memory: the repositories as plain structures of this process (tests, the terminal chat).
 * What expires is dropped when it is next read or written, as on SQLite.
 */

export class MemorySubscriptions implements SubscriptionRepository {
  private byOffice = new Map<string, Map<string, Subscriber>>();
  private byAddress = new Map<string, Set<string>>();
  /** When each expiring subscription (`office|address`) ends. */
  private ends = new Map<string, number>();

  constructor(private readonly retention: Retention) {}

  private purge(): void {
    const now = this.retention.now();
    for (const [key, end] of this.ends) {
      if (end > now) continue;
      const at = key.indexOf('|');
      const [office, address] = [key.slice(0, at), key.slice(at + 1)];
      this.byOffice.get(office)?.delete(address);
      this.byAddress.get(address)?.delete(office);
      this.ends.delete(key);
    }
  }

  async add(office: string, address: Address, lang: Subscriber['lang']): Promise<boolean> {
    this.purge();
    if (expires(address)) this.ends.set(`${office}|${addressKey(address)}`, webExpiry(this.retention));
    const subscribers = this.byOffice.get(office) ?? new Map<string, Subscriber>();
    this.byOffice.set(office, subscribers);
    const isNew = !subscribers.has(addressKey(address));
    subscribers.set(addressKey(address), { address, lang });
    const offices = this.byAddress.get(addressKey(address)) ?? new Set<string>();
    this.byAddress.set(addressKey(address), offices.add(office));
    return isNew;
  }

  async remove(address: Address, office?: string): Promise<number> {
    this.purge();
    const offices = this.byAddress.get(addressKey(address)) ?? new Set<string>();
    const targets = [...offices].filter((o) => !office || o === office);
    for (const o of targets) {
      this.byOffice.get(o)?.delete(addressKey(address));
      this.ends.delete(`${o}|${addressKey(address)}`);
      offices.delete(o);
    }
    return targets.length;
  }

  async subscribers(office: string): Promise<Subscriber[]> {
    this.purge();
    return [...(this.byOffice.get(office)?.values() ?? [])];
  }

  async count(office: string): Promise<number> {
    this.purge();
    return this.byOffice.get(office)?.size ?? 0;
  }

  async offices(address: Address): Promise<string[]> {
    this.purge();
    return [...(this.byAddress.get(addressKey(address)) ?? [])];
  }
}

export class MemoryStatus implements StatusRepository {
  private records = new Map<string, StoredStatus>();

  async change(office: string, change: StoredStatus): Promise<StoredStatus> {
    const previous = this.records.get(office);
    const merged = mergeChange(previous, change);
    this.records.set(office, merged);
    return merged;
  }

  async replace(office: string, record: StoredStatus): Promise<void> {
    this.records.set(office, record);
  }

  async all(offices: string[]): Promise<Map<string, StoredStatus>> {
    return new Map(offices.flatMap((o) => (this.records.has(o) ? [[o, this.records.get(o)!] as const] : [])));
  }
}

export class MemoryAudit implements AuditRepository {
  private entries: AuditRecord[] = [];

  async append(entry: AuditRecord): Promise<void> {
    this.entries.push(entry);
  }

  async list(): Promise<AuditRecord[]> {
    return [...this.entries];
  }

  async size(): Promise<number> {
    return this.entries.length;
  }

  async range(from: number, to: number): Promise<AuditRecord[]> {
    return this.entries.slice(from, to);
  }
}

export class MemoryStats implements StatsRepository {
  private days = new Map<string, DayStats>();

  constructor(private readonly retention: Retention) {}

  /** Texts older than the retention go; the day's counts stay. */
  private purge(): void {
    const first = firstTextDay(this.retention);
    for (const [day, s] of this.days) if (day < first) s.unanswered = [];
  }

  async add(day: string, add: DayStats): Promise<void> {
    this.purge();
    const s = this.days.get(day) ?? emptyDay();
    s.total += add.total;
    for (const k of COUNTED) for (const [key, n] of Object.entries(add[k])) s[k][key] = (s[k][key] ?? 0) + n;
    s.unanswered = [...s.unanswered, ...add.unanswered].slice(-MAX_UNANSWERED_PER_DAY);
    this.days.set(day, s);
  }

  async day(day: string): Promise<DayStats | undefined> {
    this.purge();
    return this.days.get(day);
  }
}

/** A session's notices; the inbox ends `webSubscriptionDays` after its latest notice; the oldest go past MAX_UNREAD_NOTICES. */
export class MemoryInbox implements InboxRepository {
  private inboxes = new Map<string, { notices: Map<string, string>; end: number }>();
  private purged = 0;

  constructor(private readonly retention: Retention) {}

  /** Drops ended inboxes, at most once a minute (a fan-out pushes thousands at once). */
  private purge(): void {
    const now = this.retention.now();
    if (now - this.purged < 60_000) return;
    this.purged = now;
    for (const [id, inbox] of this.inboxes) if (inbox.end <= now) this.inboxes.delete(id);
  }

  /** The session's inbox, unless it has ended. */
  private inbox(sessionId: string) {
    const inbox = this.inboxes.get(sessionId);
    if (inbox && inbox.end <= this.retention.now()) this.inboxes.delete(sessionId);
    return this.inboxes.get(sessionId);
  }

  async push(sessionId: string, changeId: string, text: string): Promise<void> {
    this.purge();
    const notices = this.inbox(sessionId)?.notices ?? new Map<string, string>();
    this.inboxes.set(sessionId, { notices: notices.set(changeId, text), end: webExpiry(this.retention) });
    // The oldest go past the cap (change ids sort by time).
    if (notices.size > MAX_UNREAD_NOTICES) for (const id of [...notices.keys()].sort().slice(0, notices.size - MAX_UNREAD_NOTICES)) notices.delete(id);
  }

  async count(sessionId: string): Promise<number> {
    return this.inbox(sessionId)?.notices.size ?? 0;
  }

  async take(sessionId: string): Promise<string[]> {
    return (await this.takeNotices(sessionId)).map((n) => n.text);
  }

  async takeNotices(sessionId: string): Promise<Notice[]> {
    const inbox = this.inbox(sessionId)?.notices;
    this.inboxes.delete(sessionId);
    return [...(inbox ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, text]) => ({ id, text }));
  }
}

interface Row extends Delivery {
  claimed: boolean;
}

export class MemoryOutbox implements OutboxRepository {
  /** Keyed by change and subscriber: a Map iterates in insertion order, so the oldest go first. */
  private rows = new Map<string, Row>();

  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly inbox: InboxRepository,
  ) {}

  async enqueue(change: Change): Promise<number> {
    const subscribers = [...(await Promise.all((change.offices ?? [change.office.id]).map((o) => this.subscriptions.subscribers(o)))).flat(), ...(change.to ?? [])];
    for (const subscriber of subscribers) {
      const key = deliveryKey(change.id, subscriber.address);
      if (!this.rows.has(key)) this.rows.set(key, { changeId: change.id, key, office: change.office, subscriber, claimed: false });
    }
    return subscribers.length;
  }

  async claim(channels: Address['channel'][], limit: number): Promise<Delivery[]> {
    const out: Delivery[] = [];
    for (const row of this.rows.values()) {
      if (out.length >= limit) break;
      if (row.claimed || !channels.includes(row.subscriber.address.channel)) continue;
      row.claimed = true;
      out.push(row);
    }
    return out;
  }

  async done(deliveries: Delivery[]): Promise<void> {
    for (const d of deliveries) this.rows.delete(d.key);
  }

  async deliverToInbox(deliveries: { delivery: Delivery; text: string }[]): Promise<void> {
    for (const { delivery, text } of deliveries) await this.inbox.push(delivery.subscriber.address.id, delivery.changeId, text);
    await this.done(deliveries.map((d) => d.delivery));
  }

  async release(deliveries: Delivery[]): Promise<void> {
    for (const d of deliveries) {
      const row = this.rows.get(d.key);
      if (row) row.claimed = false;
    }
  }

  async releaseClaims(): Promise<void> {
    for (const row of this.rows.values()) row.claimed = false;
  }

  async pending(): Promise<number> {
    return this.rows.size;
  }
}
