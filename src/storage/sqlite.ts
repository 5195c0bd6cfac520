import Database from 'better-sqlite3';
import type { Address } from '../domain/types.js';
import type { Lang, Office } from '../knowledge/schema.js';
import { mergeChange } from '../knowledge/knowledge.js';
import {
  COUNTED,
  MAX_UNANSWERED_PER_DAY,
  MAX_UNREAD_NOTICES,
  addressKey,
  dayFromCounts,
  deliveryKey,
  expires,
  firstTextDay,
  retention,
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
 * The records of one instance in the SQLite file under DATA_DIR: real tables, one row per
 * subscription, delivery, audit entry or counter, changed by single statements or transactions.
 * better-sqlite3 runs each synchronously, so nothing else of this process runs between a
 * transaction's statements.
 *
 * Retention: what has expired (a web subscription, a web inbox, an unanswered question's text) is
 * deleted by the next write of its kind, inside that write's transaction, and skipped by reads
 * until then: no timer to stop, and nothing expired is ever served.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS subscriptions (office TEXT NOT NULL, address TEXT NOT NULL, channel TEXT NOT NULL, address_id TEXT NOT NULL, lang TEXT NOT NULL, expires_at INTEGER, PRIMARY KEY (office, address)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS subscriptions_by_address ON subscriptions (address);
CREATE TABLE IF NOT EXISTS office_status (office TEXT PRIMARY KEY, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY AUTOINCREMENT, entry TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stats_counts (day TEXT NOT NULL, field TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (day, field)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stats_unanswered (id INTEGER PRIMARY KEY AUTOINCREMENT, day TEXT NOT NULL, entry TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS stats_unanswered_by_day ON stats_unanswered (day, id);
CREATE TABLE IF NOT EXISTS inbox (session TEXT NOT NULL, change_id TEXT NOT NULL, text TEXT NOT NULL, expires_at INTEGER, PRIMARY KEY (session, change_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS changes (id TEXT PRIMARY KEY, office TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS deliveries (id INTEGER PRIMARY KEY AUTOINCREMENT, change_id TEXT NOT NULL, address TEXT NOT NULL, channel TEXT NOT NULL, address_id TEXT NOT NULL, lang TEXT NOT NULL, claimed INTEGER NOT NULL DEFAULT 0, UNIQUE (change_id, address));
CREATE INDEX IF NOT EXISTS deliveries_unclaimed ON deliveries (claimed, channel, id);
`;

/** Indexes on columns that files of earlier versions get from migrate(). */
const EXPIRY_INDEXES = `
CREATE INDEX IF NOT EXISTS subscriptions_by_expiry ON subscriptions (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS inbox_by_expiry ON inbox (expires_at);
`;

/** Files written before retention: their expiring records get the full period from now. */
function migrate(db: Database.Database, r: Retention): void {
  const has = (table: string, column: string) => (db.pragma(`table_info(${table})`) as { name: string }[]).some((c) => c.name === column);
  const from = webExpiry(r);
  db.transaction(() => {
    if (!has('subscriptions', 'expires_at')) {
      db.exec('ALTER TABLE subscriptions ADD COLUMN expires_at INTEGER');
      db.prepare("UPDATE subscriptions SET expires_at = ? WHERE channel = 'web'").run(from);
    }
    if (!has('inbox', 'expires_at')) {
      db.exec('ALTER TABLE inbox ADD COLUMN expires_at INTEGER');
      db.prepare('UPDATE inbox SET expires_at = ?').run(from);
    }
    db.exec(EXPIRY_INDEXES);
  }).immediate();
}

export function openDatabase(file: string, r: Retention = retention()): Database.Database {
  const db = new Database(file);
  // Write-ahead logging, synced at checkpoints: a crash of the process loses nothing committed.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 10000'); // another connection (a backup, `npm run admin`) may hold the file a moment
  // What is deleted (an erased conversation's subscriptions, inbox, hand-overs) is overwritten, not left in free pages.
  db.pragma('secure_delete = ON');
  db.exec(SCHEMA);
  migrate(db, r);
  return db;
}

interface SubscriberRow {
  channel: Address['channel'];
  address_id: string;
  lang: Lang;
}
const subscriber = (r: SubscriberRow): Subscriber => ({ address: { channel: r.channel, id: r.address_id }, lang: r.lang });

export class SqliteSubscriptions implements SubscriptionRepository {
  private readonly upsert;
  private readonly removeOne;
  private readonly removeAll;
  private readonly ofOffice;
  private readonly countOf;
  private readonly ofAddress;

  constructor(
    db: Database.Database,
    private readonly retention: Retention,
  ) {
    const purge = db.prepare('DELETE FROM subscriptions WHERE expires_at <= ?');
    const insert = db.prepare('INSERT OR IGNORE INTO subscriptions (office, address, channel, address_id, lang, expires_at) VALUES (?, ?, ?, ?, ?, ?)');
    // Subscribing again renews a web subscription for the whole period.
    const renew = db.prepare('UPDATE subscriptions SET lang = ?, expires_at = ? WHERE office = ? AND address = ?');
    this.upsert = db.transaction((office: string, address: Address, lang: Lang, now: number, end: number | null) => {
      purge.run(now);
      const isNew = insert.run(office, addressKey(address), address.channel, address.id, lang, end).changes === 1;
      if (!isNew) renew.run(lang, end, office, addressKey(address));
      return isNew;
    });
    this.removeOne = db.prepare('DELETE FROM subscriptions WHERE office = ? AND address = ?');
    this.removeAll = db.prepare('DELETE FROM subscriptions WHERE address = ?');
    const current = '(expires_at IS NULL OR expires_at > ?)';
    this.ofOffice = db.prepare<[string, number], SubscriberRow>(`SELECT channel, address_id, lang FROM subscriptions WHERE office = ? AND ${current}`);
    this.ofAddress = db.prepare<[string, number], { office: string }>(`SELECT office FROM subscriptions WHERE address = ? AND ${current}`);
    this.countOf = db.prepare<[string, number], { n: number }>(`SELECT COUNT(*) AS n FROM subscriptions WHERE office = ? AND ${current}`);
  }

  async add(office: string, address: Address, lang: Lang): Promise<boolean> {
    return this.upsert.immediate(office, address, lang, this.retention.now(), expires(address) ? webExpiry(this.retention) : null);
  }

  async remove(address: Address, office?: string): Promise<number> {
    return (office ? this.removeOne.run(office, addressKey(address)) : this.removeAll.run(addressKey(address))).changes;
  }

  async subscribers(office: string): Promise<Subscriber[]> {
    return this.ofOffice.all(office, this.retention.now()).map(subscriber);
  }

  async count(office: string): Promise<number> {
    return this.countOf.get(office, this.retention.now())!.n;
  }

  async offices(address: Address): Promise<string[]> {
    return this.ofAddress.all(addressKey(address), this.retention.now()).map((r) => r.office);
  }
}

export class SqliteStatus implements StatusRepository {
  private readonly merge;
  private readonly read;
  private readonly write;

  constructor(db: Database.Database) {
    this.read = db.prepare<[string], { record: string }>('SELECT record FROM office_status WHERE office = ?');
    const write = (this.write = db.prepare('INSERT INTO office_status (office, record) VALUES (?, ?) ON CONFLICT (office) DO UPDATE SET record = excluded.record'));
    this.merge = db.transaction((office: string, change: StoredStatus): StoredStatus => {
      const row = this.read.get(office);
      const previous: StoredStatus | undefined = row && JSON.parse(row.record);
      const merged = mergeChange(previous, change);
      write.run(office, JSON.stringify(merged));
      return merged;
    });
  }

  async change(office: string, change: StoredStatus): Promise<StoredStatus> {
    return this.merge.immediate(office, change);
  }

  async replace(office: string, record: StoredStatus): Promise<void> {
    this.write.run(office, JSON.stringify(record));
  }

  async all(offices: string[]): Promise<Map<string, StoredStatus>> {
    const out = new Map<string, StoredStatus>();
    for (const office of offices) {
      const row = this.read.get(office);
      if (row) out.set(office, JSON.parse(row.record));
    }
    return out;
  }
}

export class SqliteAudit implements AuditRepository {
  private readonly insert;
  private readonly select;
  private readonly count;
  private readonly slice;

  constructor(db: Database.Database) {
    this.insert = db.prepare('INSERT INTO audit (entry) VALUES (?)');
    this.select = db.prepare<[], { entry: string }>('SELECT entry FROM audit ORDER BY id');
    this.count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM audit');
    this.slice = db.prepare<[number, number], { entry: string }>('SELECT entry FROM audit ORDER BY id LIMIT ? OFFSET ?');
  }

  async size(): Promise<number> {
    return this.count.get()!.n;
  }

  async range(from: number, to: number): Promise<AuditRecord[]> {
    return this.slice.all(Math.max(0, to - from), from).map((r) => JSON.parse(r.entry));
  }

  async append(entry: AuditRecord): Promise<void> {
    this.insert.run(JSON.stringify(entry));
  }

  async list(): Promise<AuditRecord[]> {
    return this.select.all().map((r) => JSON.parse(r.entry));
  }
}

export class SqliteStats implements StatsRepository {
  private readonly addAll;
  private readonly counts;
  private readonly unanswered;

  constructor(
    db: Database.Database,
    private readonly retention: Retention,
  ) {
    const count = db.prepare('INSERT INTO stats_counts (day, field, n) VALUES (?, ?, ?) ON CONFLICT (day, field) DO UPDATE SET n = n + excluded.n');
    const note = db.prepare('INSERT INTO stats_unanswered (day, entry) VALUES (?, ?)');
    const trim = db.prepare('DELETE FROM stats_unanswered WHERE day = ? AND id NOT IN (SELECT id FROM stats_unanswered WHERE day = ? ORDER BY id DESC LIMIT ?)');
    const purge = db.prepare('DELETE FROM stats_unanswered WHERE day < ?');
    this.addAll = db.transaction((day: string, add: DayStats, first: string) => {
      purge.run(first);
      count.run(day, 'total', add.total);
      for (const k of COUNTED) for (const [key, n] of Object.entries(add[k])) count.run(day, `${k}:${key}`, n);
      if (day < first) return; // a late flush of a day whose texts are past keeping: its counts only
      for (const u of add.unanswered) note.run(day, JSON.stringify(u));
      if (add.unanswered.length) trim.run(day, day, MAX_UNANSWERED_PER_DAY);
    });
    this.counts = db.prepare<[string], { field: string; n: number }>('SELECT field, n FROM stats_counts WHERE day = ?');
    this.unanswered = db.prepare<[string], { entry: string }>('SELECT entry FROM stats_unanswered WHERE day = ? ORDER BY id');
  }

  async add(day: string, add: DayStats): Promise<void> {
    this.addAll.immediate(day, add, firstTextDay(this.retention));
  }

  async day(day: string): Promise<DayStats | undefined> {
    const rows = this.counts.all(day);
    if (rows.length === 0) return undefined;
    const texts = day < firstTextDay(this.retention) ? [] : this.unanswered.all(day).map((r) => JSON.parse(r.entry));
    return dayFromCounts(
      rows.map((r) => [r.field, r.n]),
      texts,
    );
  }
}

/**
 * A session's notices; the inbox ends `webSubscriptionDays` after its latest notice (its rows are
 * read while the latest's end is ahead). A delivery appends its row and trims the session's oldest
 * past MAX_UNREAD_NOTICES: it never rewrites the notices already there (renewing every row's end
 * held a status change 0.7-0.9 s with 613 unread).
 */
export class SqliteInbox implements InboxRepository {
  /** Inside a caller's transaction (the outbox's): one notice. */
  readonly insert;
  private readonly pushOne;
  private readonly takeAll;
  private readonly size;
  readonly purge;

  constructor(
    db: Database.Database,
    private readonly retention: Retention,
  ) {
    const add = db.prepare('INSERT OR IGNORE INTO inbox (session, change_id, text, expires_at) VALUES (?, ?, ?, ?)');
    // Through the primary key (session, change_id): at most MAX_UNREAD_NOTICES + 1 rows are read.
    const trim = db.prepare('DELETE FROM inbox WHERE session = ? AND change_id IN (SELECT change_id FROM inbox WHERE session = ? ORDER BY change_id DESC LIMIT -1 OFFSET ?)');
    this.insert = (session: string, changeId: string, text: string) => {
      if (add.run(session, changeId, text, webExpiry(this.retention)).changes === 1) trim.run(session, session, MAX_UNREAD_NOTICES);
    };
    // Ended rows (by the expiry index) whose session has no later notice still running.
    const purge = db.prepare('DELETE FROM inbox WHERE expires_at <= @now AND NOT EXISTS (SELECT 1 FROM inbox AS later WHERE later.session = inbox.session AND later.expires_at > @now)');
    this.purge = () => purge.run({ now: this.retention.now() });
    this.pushOne = db.transaction((session: string, changeId: string, text: string) => {
      this.purge();
      this.insert(session, changeId, text);
    });
    const running = 'session = @session AND (SELECT MAX(expires_at) FROM inbox WHERE session = @session) > @now';
    const select = db.prepare<[{ session: string; now: number }], { id: string; text: string }>(`SELECT change_id AS id, text FROM inbox WHERE ${running} ORDER BY change_id`);
    const remove = db.prepare('DELETE FROM inbox WHERE session = ?');
    this.size = db.prepare<[{ session: string; now: number }], { n: number }>(`SELECT COUNT(*) AS n FROM inbox WHERE ${running}`);
    this.takeAll = db.transaction((session: string) => {
      const notices = select.all({ session, now: this.retention.now() });
      remove.run(session); // ended notices too (erasure takes the inbox): a delete of no rows writes nothing
      return notices;
    });
  }

  async push(sessionId: string, changeId: string, text: string): Promise<void> {
    this.pushOne.immediate(sessionId, changeId, text);
  }

  async count(sessionId: string): Promise<number> {
    return this.size.get({ session: sessionId, now: this.retention.now() })!.n;
  }

  async take(sessionId: string): Promise<string[]> {
    return (await this.takeNotices(sessionId)).map((n) => n.text);
  }

  async takeNotices(sessionId: string): Promise<Notice[]> {
    return this.takeAll.immediate(sessionId);
  }
}

interface DeliveryRow {
  change_id: string;
  address: string;
  channel: Address['channel'];
  address_id: string;
  lang: Lang;
}

export class SqliteOutbox implements OutboxRepository {
  private readonly addChange;
  private readonly claimSome;
  private readonly finish;
  private readonly toInbox;
  private readonly releaseAll;
  private readonly unclaim;
  private readonly count;
  private readonly officeOf;
  /** Office snapshots by change: a fan-out reads the same one for every delivery. */
  private offices = new Map<string, Office>();

  constructor(db: Database.Database, inbox: SqliteInbox, now: () => number) {
    const change = db.prepare('INSERT OR IGNORE INTO changes (id, office) VALUES (?, ?)');
    // One statement copies the office's subscribers into deliveries: linear in the subscribers.
    const fanOut = db.prepare(
      'INSERT OR IGNORE INTO deliveries (change_id, address, channel, address_id, lang) SELECT ?, address, channel, address_id, lang FROM subscriptions WHERE office = ? AND (expires_at IS NULL OR expires_at > ?)',
    );
    const direct = db.prepare('INSERT OR IGNORE INTO deliveries (change_id, address, channel, address_id, lang) VALUES (?, ?, ?, ?, ?)');
    this.addChange = db.transaction((c: Change) => {
      change.run(c.id, JSON.stringify(c.office));
      // Several offices (an announcement): a subscriber of two is one delivery (UNIQUE change, address).
      const fanned = (c.offices ?? [c.office.id]).reduce((n, office) => n + fanOut.run(c.id, office, now()).changes, 0);
      return (c.to ?? []).reduce((n, s) => n + direct.run(c.id, addressKey(s.address), s.address.channel, s.address.id, s.lang).changes, fanned);
    });
    this.claimSome = (channels: string[], limit: number) =>
      db
        .prepare<unknown[], DeliveryRow & { id: number }>(
          `UPDATE deliveries SET claimed = 1 WHERE id IN (SELECT id FROM deliveries WHERE claimed = 0 AND channel IN (${channels.map(() => '?').join(', ')}) ORDER BY id LIMIT ?) RETURNING id, change_id, address, channel, address_id, lang`,
        )
        .all(...channels, limit)
        .sort((a, b) => a.id - b.id);
    const remove = db.prepare('DELETE FROM deliveries WHERE change_id = ? AND address = ?');
    const forget = db.prepare('DELETE FROM changes WHERE id = ? AND NOT EXISTS (SELECT 1 FROM deliveries WHERE change_id = ?)');
    this.finish = db.transaction((deliveries: Delivery[]) => {
      for (const d of deliveries) remove.run(d.changeId, addressKey(d.subscriber.address));
      for (const id of new Set(deliveries.map((d) => d.changeId))) if (forget.run(id, id).changes) this.offices.delete(id);
    });
    this.toInbox = db.transaction((items: { delivery: Delivery; text: string }[]) => {
      inbox.purge();
      for (const { delivery, text } of items) inbox.insert(delivery.subscriber.address.id, delivery.changeId, text);
      this.finish(items.map((i) => i.delivery));
    });
    this.releaseAll = db.prepare('UPDATE deliveries SET claimed = 0 WHERE claimed = 1');
    const unclaim = db.prepare('UPDATE deliveries SET claimed = 0 WHERE change_id = ? AND address = ?');
    this.unclaim = db.transaction((deliveries: Delivery[]) => {
      for (const d of deliveries) unclaim.run(d.changeId, addressKey(d.subscriber.address));
    });
    this.count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM deliveries');
    this.officeOf = db.prepare<[string], { office: string }>('SELECT office FROM changes WHERE id = ?');
  }

  async enqueue(change: Change): Promise<number> {
    this.offices.set(change.id, change.office);
    return this.addChange.immediate(change);
  }

  async claim(channels: Address['channel'][], limit: number): Promise<Delivery[]> {
    if (channels.length === 0) return [];
    return this.claimSome(channels, limit).map((r) => ({
      changeId: r.change_id,
      key: deliveryKey(r.change_id, { channel: r.channel, id: r.address_id }),
      office: this.office(r.change_id),
      subscriber: subscriber(r),
    }));
  }

  private office(changeId: string): Office {
    let office = this.offices.get(changeId);
    if (!office) {
      office = JSON.parse(this.officeOf.get(changeId)!.office) as Office;
      this.offices.set(changeId, office);
    }
    return office;
  }

  async done(deliveries: Delivery[]): Promise<void> {
    this.finish.immediate(deliveries);
  }

  async deliverToInbox(items: { delivery: Delivery; text: string }[]): Promise<void> {
    this.toInbox.immediate(items);
  }

  async release(deliveries: Delivery[]): Promise<void> {
    this.unclaim(deliveries);
  }

  async releaseClaims(): Promise<void> {
    this.releaseAll.run();
  }

  async pending(): Promise<number> {
    return this.count.get()!.n;
  }
}
