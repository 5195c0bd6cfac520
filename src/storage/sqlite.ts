import Database from 'better-sqlite3';
import type { Address } from '../core/dialogue/types.js';
import type { Lang, Office } from '../knowledge/schema.js';
import {
  COUNTED,
  MAX_UNANSWERED_PER_DAY,
  addressKey,
  dayFromCounts,
  deliveryKey,
  type AuditEntry,
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
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS subscriptions (office TEXT NOT NULL, address TEXT NOT NULL, channel TEXT NOT NULL, address_id TEXT NOT NULL, lang TEXT NOT NULL, PRIMARY KEY (office, address)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS subscriptions_by_address ON subscriptions (address);
CREATE TABLE IF NOT EXISTS office_status (office TEXT PRIMARY KEY, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY AUTOINCREMENT, entry TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stats_counts (day TEXT NOT NULL, field TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (day, field)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stats_unanswered (id INTEGER PRIMARY KEY AUTOINCREMENT, day TEXT NOT NULL, entry TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS stats_unanswered_by_day ON stats_unanswered (day, id);
CREATE TABLE IF NOT EXISTS inbox (session TEXT NOT NULL, change_id TEXT NOT NULL, text TEXT NOT NULL, PRIMARY KEY (session, change_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS changes (id TEXT PRIMARY KEY, office TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS deliveries (id INTEGER PRIMARY KEY AUTOINCREMENT, change_id TEXT NOT NULL, address TEXT NOT NULL, channel TEXT NOT NULL, address_id TEXT NOT NULL, lang TEXT NOT NULL, claimed INTEGER NOT NULL DEFAULT 0, UNIQUE (change_id, address));
CREATE INDEX IF NOT EXISTS deliveries_unclaimed ON deliveries (claimed, channel, id);
`;

export function openDatabase(file: string): Database.Database {
  const db = new Database(file);
  // Write-ahead logging, synced at checkpoints: a crash of the process loses nothing committed.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 10000'); // the sessions' connection (keyv) shares the file
  db.exec(SCHEMA);
  return db;
}

interface SubscriberRow {
  channel: Address['channel'];
  address_id: string;
  lang: Lang;
}
const subscriber = (r: SubscriberRow): Subscriber => ({ address: { channel: r.channel, id: r.address_id }, lang: r.lang });

export class SqliteSubscriptions implements SubscriptionRepository {
  private readonly insert;
  private readonly relang;
  private readonly removeOne;
  private readonly removeAll;
  private readonly ofOffice;
  private readonly ofAddress;

  constructor(db: Database.Database) {
    this.insert = db.prepare('INSERT OR IGNORE INTO subscriptions (office, address, channel, address_id, lang) VALUES (?, ?, ?, ?, ?)');
    this.relang = db.prepare('UPDATE subscriptions SET lang = ? WHERE office = ? AND address = ?');
    this.removeOne = db.prepare('DELETE FROM subscriptions WHERE office = ? AND address = ?');
    this.removeAll = db.prepare('DELETE FROM subscriptions WHERE address = ?');
    this.ofOffice = db.prepare<[string], SubscriberRow>('SELECT channel, address_id, lang FROM subscriptions WHERE office = ?');
    this.ofAddress = db.prepare<[string], { office: string }>('SELECT office FROM subscriptions WHERE address = ?');
  }

  async add(office: string, address: Address, lang: Lang): Promise<boolean> {
    const isNew = this.insert.run(office, addressKey(address), address.channel, address.id, lang).changes === 1;
    if (!isNew) this.relang.run(lang, office, addressKey(address));
    return isNew;
  }

  async remove(address: Address, office?: string): Promise<number> {
    return (office ? this.removeOne.run(office, addressKey(address)) : this.removeAll.run(addressKey(address))).changes;
  }

  async subscribers(office: string): Promise<Subscriber[]> {
    return this.ofOffice.all(office).map(subscriber);
  }

  async offices(address: Address): Promise<string[]> {
    return this.ofAddress.all(addressKey(address)).map((r) => r.office);
  }
}

export class SqliteStatus implements StatusRepository {
  private readonly merge;
  private readonly read;

  constructor(db: Database.Database) {
    this.read = db.prepare<[string], { record: string }>('SELECT record FROM office_status WHERE office = ?');
    const write = db.prepare('INSERT INTO office_status (office, record) VALUES (?, ?) ON CONFLICT (office) DO UPDATE SET record = excluded.record');
    this.merge = db.transaction((office: string, change: StoredStatus): StoredStatus => {
      const row = this.read.get(office);
      const previous: StoredStatus | undefined = row && JSON.parse(row.record);
      const merged = { ...previous, ...change, ...(change.note || previous?.note ? { note: { ...previous?.note, ...change.note } } : {}) };
      write.run(office, JSON.stringify(merged));
      return merged;
    });
  }

  async change(office: string, change: StoredStatus): Promise<StoredStatus> {
    return this.merge.immediate(office, change);
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

  constructor(db: Database.Database) {
    this.insert = db.prepare('INSERT INTO audit (entry) VALUES (?)');
    this.select = db.prepare<[], { entry: string }>('SELECT entry FROM audit ORDER BY id');
  }

  async append(entry: AuditEntry): Promise<void> {
    this.insert.run(JSON.stringify(entry));
  }

  async list(): Promise<AuditEntry[]> {
    return this.select.all().map((r) => JSON.parse(r.entry));
  }
}

export class SqliteStats implements StatsRepository {
  private readonly addAll;
  private readonly counts;
  private readonly unanswered;

  constructor(db: Database.Database) {
    const count = db.prepare('INSERT INTO stats_counts (day, field, n) VALUES (?, ?, ?) ON CONFLICT (day, field) DO UPDATE SET n = n + excluded.n');
    const note = db.prepare('INSERT INTO stats_unanswered (day, entry) VALUES (?, ?)');
    const trim = db.prepare('DELETE FROM stats_unanswered WHERE day = ? AND id NOT IN (SELECT id FROM stats_unanswered WHERE day = ? ORDER BY id DESC LIMIT ?)');
    this.addAll = db.transaction((day: string, add: DayStats) => {
      count.run(day, 'total', add.total);
      for (const k of COUNTED) for (const [key, n] of Object.entries(add[k])) count.run(day, `${k}:${key}`, n);
      for (const u of add.unanswered) note.run(day, JSON.stringify(u));
      if (add.unanswered.length) trim.run(day, day, MAX_UNANSWERED_PER_DAY);
    });
    this.counts = db.prepare<[string], { field: string; n: number }>('SELECT field, n FROM stats_counts WHERE day = ?');
    this.unanswered = db.prepare<[string], { entry: string }>('SELECT entry FROM stats_unanswered WHERE day = ? ORDER BY id');
  }

  async add(day: string, add: DayStats): Promise<void> {
    this.addAll.immediate(day, add);
  }

  async day(day: string): Promise<DayStats | undefined> {
    const rows = this.counts.all(day);
    if (rows.length === 0) return undefined;
    return dayFromCounts(
      rows.map((r) => [r.field, r.n]),
      this.unanswered.all(day).map((r) => JSON.parse(r.entry)),
    );
  }
}

export class SqliteInbox implements InboxRepository {
  readonly insert;
  private readonly takeAll;
  private readonly size;

  constructor(db: Database.Database) {
    this.insert = db.prepare('INSERT OR IGNORE INTO inbox (session, change_id, text) VALUES (?, ?, ?)');
    const select = db.prepare<[string], { text: string }>('SELECT text FROM inbox WHERE session = ? ORDER BY change_id');
    const remove = db.prepare('DELETE FROM inbox WHERE session = ?');
    this.size = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM inbox WHERE session = ?');
    this.takeAll = db.transaction((session: string) => {
      const texts = select.all(session).map((r) => r.text);
      if (texts.length) remove.run(session);
      return texts;
    });
  }

  async push(sessionId: string, changeId: string, text: string): Promise<void> {
    this.insert.run(sessionId, changeId, text);
  }

  async count(sessionId: string): Promise<number> {
    return this.size.get(sessionId)!.n;
  }

  async take(sessionId: string): Promise<string[]> {
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

  constructor(db: Database.Database, inbox: SqliteInbox) {
    const change = db.prepare('INSERT OR IGNORE INTO changes (id, office) VALUES (?, ?)');
    // One statement copies the office's subscribers into deliveries: linear in the subscribers.
    const fanOut = db.prepare(
      'INSERT OR IGNORE INTO deliveries (change_id, address, channel, address_id, lang) SELECT ?, address, channel, address_id, lang FROM subscriptions WHERE office = ?',
    );
    this.addChange = db.transaction((c: Change) => {
      change.run(c.id, JSON.stringify(c.office));
      // Several offices (an announcement): a subscriber of two is one delivery (UNIQUE change, address).
      return (c.offices ?? [c.office.id]).reduce((n, office) => n + fanOut.run(c.id, office).changes, 0);
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
      for (const { delivery, text } of items) inbox.insert.run(delivery.subscriber.address.id, delivery.changeId, text);
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
