import type { Lang, Office, Service } from '../knowledge/schema.js';
import type { StatusChange } from '../knowledge/knowledge.js';
import type { Address } from '../domain/types.js';

/**
 * One repository per kind of record, each operation atomic on its store (a Redis command,
 * MULTI or Lua; an SQLite statement or transaction): two instances never undo each other's
 * writes. Every operation fails with StoreUnavailableError when the store cannot be reached.
 */

export interface Subscriber {
  address: Address;
  lang: Lang;
}

export const addressKey = (a: Address) => `${a.channel}:${a.id}`;

export const DAY_MS = 86_400_000;

/**
 * How long what the bot keeps about citizens lives (README, "Data the bot keeps"): texts of
 * unanswered questions (their counts stay), a web chat's subscriptions and its waiting notices.
 * Telegram subscriptions do not expire: the chat can always say /unsubscribe or /forget, while a
 * browser that is gone never comes back to do so.
 */
export interface Retention {
  statsTextDays: number;
  webSubscriptionDays: number;
  /** Days a closed hand-over to staff is kept. */
  handoffDays: number;
  /** The clock in ms (tests move it). */
  now: () => number;
}

export const retention = (r: Partial<Retention> = {}): Retention => ({ statsTextDays: 90, webSubscriptionDays: 30, handoffDays: 30, now: Date.now, ...r });

/** Whether a subscription of this address expires. */
export const expires = (a: Address) => a.channel === 'web';

/** When a web subscription or inbox written now expires. */
export const webExpiry = (r: Retention) => r.now() + r.webSubscriptionDays * DAY_MS;

/** The date (YYYY-MM-DD) of a statistics day: the day itself, or an organisation's day `<date>@<org>`. */
export const dateOfDay = (day: string) => day.slice(0, 10);

/** The oldest day (YYYY-MM-DD, UTC) whose unanswered texts are still kept. */
export const firstTextDay = (r: Retention) => new Date(r.now() - r.statsTextDays * DAY_MS).toISOString().slice(0, 10);
export const deliveryKey = (changeId: string, a: Address) => `${changeId}|${addressKey(a)}`;

export interface SubscriptionRepository {
  /** Adds (or updates the language of) a subscription; true when it is new. */
  add(office: string, address: Address, lang: Lang): Promise<boolean>;
  /** Removes one office's subscription, or all of the address's; how many were removed. */
  remove(address: Address, office?: string): Promise<number>;
  subscribers(office: string): Promise<Subscriber[]>;
  /** How many subscribers an office has (the staff board shows it for every office): without reading them. */
  count(office: string): Promise<number>;
  /** The offices an address is subscribed to. */
  offices(address: Address): Promise<string[]>;
}

/** An office's live state as staff left it: the knowledge base's values are the fallback. */
export type StoredStatus = StatusChange & { updatedAt: string; /** Who made the last change. */ updatedBy?: string };

export interface StatusRepository {
  /** Merges the change into the office's record (fields not given are kept; notes per language). */
  change(office: string, change: StoredStatus): Promise<StoredStatus>;
  /** Puts the office's record back as it was (an undo): the fields it lacks are the knowledge base's again. */
  replace(office: string, record: StoredStatus): Promise<void>;
  all(offices: string[]): Promise<Map<string, StoredStatus>>;
}

export interface AuditEntry {
  at: string;
  office: string;
  actor: string;
  before: Pick<Office, 'status' | 'expectedReopening' | 'notes'>;
  after: Pick<Office, 'status' | 'expectedReopening' | 'notes'>;
  /** The id of the notice sent for this change (entries written before undo existed have none). */
  change?: string;
  /** An undo: the change (its notice id) it took back. */
  undoes?: string;
}

/** A service's state as the audit log keeps it before and after a change. */
export type ServiceSnapshot = Pick<Service, 'status' | 'note'> & { expected?: string };

/** A change of a service's live state (its website, e-office…): in the same log as the offices'. */
export interface ServiceAuditEntry {
  at: string;
  service: string;
  actor: string;
  before: ServiceSnapshot;
  after: ServiceSnapshot;
  /** The id of the notice sent for this change. */
  change: string;
}

/** One entry of the audit log: an office's change, or a service's. */
export type AuditRecord = AuditEntry | ServiceAuditEntry;
export const isServiceEntry = (e: AuditRecord): e is ServiceAuditEntry => 'service' in e;

export interface AuditRepository {
  append(entry: AuditRecord): Promise<void>;
  /** Every entry, oldest first (backups, tests): the API reads it by range. */
  list(): Promise<AuditRecord[]>;
  size(): Promise<number>;
  /** The entries at positions from..to-1 (0 the oldest), oldest first. */
  range(from: number, to: number): Promise<AuditRecord[]>;
}

export interface Unanswered {
  at: string;
  lang: string;
  intent: string;
  confidence: number;
  text: string;
  /** Kept since the review list (older entries lack them). */
  channel?: string;
  org?: string;
  guesses?: { intent: string; confidence: number }[];
}

/** A day's questions: counts per intent, office, language and channel, what was asked about what, and the unanswered ones. */
export interface DayStats {
  total: number;
  intents: Record<string, number>;
  offices: Record<string, number>;
  langs: Record<string, number>;
  channels: Record<string, number>;
  /** The questions understood, grouped by what they asked about what: `<intent>|<office or certificate>` (no text is kept). */
  asked: Record<string, number>;
  unanswered: Unanswered[];
}

export const COUNTED = ['intents', 'offices', 'langs', 'channels', 'asked'] as const;
export const MAX_UNANSWERED_PER_DAY = 500;
export const emptyDay = (): DayStats => ({ total: 0, intents: {}, offices: {}, langs: {}, channels: {}, asked: {}, unanswered: [] });

/** Counters kept as `total` and `<kind>:<key>` fields (SQL rows, Redis hash fields) back into a day. */
export function dayFromCounts(fields: [string, number][], unanswered: DayStats['unanswered']): DayStats {
  const s = emptyDay();
  for (const [field, n] of fields) {
    if (field === 'total') s.total = n;
    const at = field.indexOf(':');
    const kind = field.slice(0, at) as (typeof COUNTED)[number];
    if (at > 0 && COUNTED.includes(kind)) s[kind][field.slice(at + 1)] = n;
  }
  s.unanswered = unanswered;
  return s;
}

export interface StatsRepository {
  /** Adds counts to a day (increments, never a rewrite) and keeps its latest unanswered questions. */
  add(day: string, add: DayStats): Promise<void>;
  day(day: string): Promise<DayStats | undefined>;
}

/**
 * Unread notices a web session keeps at most: past it the oldest go. A browser gone for good no
 * longer collects thousands (100 subscribers had 613), and a delivery never touches the others.
 */
export const MAX_UNREAD_NOTICES = 50;

/** Web chat notices waiting for their session's next poll, one per status change. */
export interface InboxRepository {
  /**
   * Idempotent: the same change pushed twice is one notice. Appends: the notices already there are
   * not rewritten; each lasts `webSubscriptionDays` from its own delivery; past MAX_UNREAD_NOTICES the oldest go.
   */
  push(sessionId: string, changeId: string, text: string): Promise<void>;
  /** How many notices wait, without taking them. */
  count(sessionId: string): Promise<number>;
  /** The notices in the order of their changes; taking empties the inbox. */
  take(sessionId: string): Promise<string[]>;
  /** The same, with each notice's change id (a staff reply's ends in STAFF_NOTICE: the widget shows it as from a person). */
  takeNotices(sessionId: string): Promise<Notice[]>;
}

export interface Notice {
  id: string;
  text: string;
}

/** The end of a staff reply's change id in a web inbox. */
export const STAFF_NOTICE = '-staff';

/** A status change to fan out: the office as it was right after the change. */
export interface Change {
  id: string;
  office: Office;
  /** Whose subscribers it goes to, each once (an announcement to an organisation); default the office's. */
  offices?: string[];
  /** Told besides the subscribers, once each: the organisation's Telegram channel. */
  to?: Subscriber[];
}

export interface Delivery {
  changeId: string;
  /** The change and the subscriber: unique, so a delivery is recorded once. */
  key: string;
  office: Office;
  subscriber: Subscriber;
}

/**
 * The notification outbox of a single instance (SQLite, memory): a row per delivery, claimed one
 * by one and deleted once made. With Redis the queue is BullMQ's (src/features/notifications/notice-queue.ts).
 */
export interface OutboxRepository {
  /** Records one delivery per current subscriber of the office (cost linear in subscribers). */
  enqueue(change: Change): Promise<number>;
  /** Claims up to `limit` deliveries on these channels that no one has claimed. */
  claim(channels: Address['channel'][], limit: number): Promise<Delivery[]>;
  /** Deliveries made: gone from the outbox. */
  done(deliveries: Delivery[]): Promise<void>;
  /** Web deliveries: the inbox notices written and the deliveries deleted in one transaction. */
  deliverToInbox(deliveries: { delivery: Delivery; text: string }[]): Promise<void>;
  /** Claims given back: made again by a later pass (the send failed for now). */
  release(deliveries: Delivery[]): Promise<void>;
  /** Claims left by a process that stopped (they are made again: at most the in-flight ones). */
  releaseClaims(): Promise<void>;
  pending(): Promise<number>;
}
