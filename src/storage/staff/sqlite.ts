import type Database from 'better-sqlite3';
import type { Lang } from '../../knowledge/schema.js';
import type { AccountChange, Announcement, AnnouncementRepository, FailureCount, LoginFailureRepository, Role, StaffAccount, StaffAccountRepository, StaffSessionRepository, StaffStores } from './types.js';

/** The staff's tables in bot.sqlite, next to the bot's own; each operation one statement or transaction. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS staff_accounts (username TEXT PRIMARY KEY, role TEXT NOT NULL, orgs TEXT NOT NULL, lang TEXT, password_hash TEXT NOT NULL, password_version INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS staff_sessions (id TEXT PRIMARY KEY, data TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS staff_sessions_by_expiry ON staff_sessions (expires_at);
CREATE TABLE IF NOT EXISTS staff_login_failures (key TEXT PRIMARY KEY, n INTEGER NOT NULL, reset_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS staff_announcements (id TEXT PRIMARY KEY, record TEXT NOT NULL, reached INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
`;

interface AccountRow {
  username: string;
  role: Role;
  orgs: string;
  lang: Lang | null;
  password_hash: string;
  password_version: number;
  created_at: string;
  updated_at: string;
}

const account = (r: AccountRow): StaffAccount => ({
  username: r.username,
  role: r.role,
  orgs: JSON.parse(r.orgs),
  ...(r.lang ? { lang: r.lang } : {}),
  passwordHash: r.password_hash,
  passwordVersion: r.password_version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

class SqliteAccounts implements StaffAccountRepository {
  private readonly insert;
  private readonly one;
  private readonly all;
  private readonly change;
  private readonly drop;

  constructor(db: Database.Database) {
    this.insert = db.prepare(
      'INSERT OR IGNORE INTO staff_accounts (username, role, orgs, lang, password_hash, password_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.one = db.prepare<[string], AccountRow>('SELECT * FROM staff_accounts WHERE username = ?');
    this.all = db.prepare<[], AccountRow>('SELECT * FROM staff_accounts ORDER BY username');
    // One statement: each field given replaces its column, a new hash also raises the version.
    this.change = db.prepare<unknown[], AccountRow>(
      `UPDATE staff_accounts SET role = coalesce(?, role), orgs = coalesce(?, orgs), lang = coalesce(?, lang),
         password_hash = coalesce(?, password_hash), password_version = password_version + ?, updated_at = ?
       WHERE username = ? RETURNING *`,
    );
    this.drop = db.prepare('DELETE FROM staff_accounts WHERE username = ?');
  }

  async create(a: StaffAccount): Promise<boolean> {
    return this.insert.run(a.username, a.role, JSON.stringify(a.orgs), a.lang ?? null, a.passwordHash, a.passwordVersion, a.createdAt, a.updatedAt).changes === 1;
  }

  async get(username: string): Promise<StaffAccount | undefined> {
    const row = this.one.get(username);
    return row && account(row);
  }

  async list(): Promise<StaffAccount[]> {
    return this.all.all().map(account);
  }

  async update(username: string, c: AccountChange, at: string): Promise<StaffAccount | undefined> {
    const row = this.change.get(c.role ?? null, c.orgs ? JSON.stringify(c.orgs) : null, c.lang ?? null, c.passwordHash ?? null, c.passwordHash ? 1 : 0, at, username);
    return row && account(row);
  }

  async remove(username: string): Promise<boolean> {
    return this.drop.run(username).changes === 1;
  }
}

/** Expired sessions are deleted as new ones are written (the index keeps that cheap): no timer needed. */
class SqliteSessions implements StaffSessionRepository {
  private readonly read;
  private readonly write;
  private readonly drop;

  constructor(db: Database.Database) {
    this.read = db.prepare<[string, number], { data: string }>('SELECT data FROM staff_sessions WHERE id = ? AND expires_at > ?');
    const upsert = db.prepare('INSERT INTO staff_sessions (id, data, expires_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at');
    const purge = db.prepare('DELETE FROM staff_sessions WHERE expires_at <= ?');
    this.write = db.transaction((id: string, data: string, until: number, now: number) => {
      purge.run(now);
      upsert.run(id, data, until);
    });
    this.drop = db.prepare('DELETE FROM staff_sessions WHERE id = ?');
  }

  async get(id: string): Promise<string | undefined> {
    return this.read.get(id, Date.now())?.data;
  }

  async set(id: string, data: string, ttlMs: number): Promise<void> {
    const now = Date.now();
    this.write.immediate(id, data, now + ttlMs, now);
  }

  async destroy(id: string): Promise<void> {
    this.drop.run(id);
  }
}

class SqliteFailures implements LoginFailureRepository {
  private readonly bump;
  private readonly drop;
  private readonly takeBack;

  constructor(db: Database.Database) {
    // A window that has closed starts again at 1 in the same statement.
    this.bump = db.prepare<[string, number, number, number, number], { n: number; reset_at: number }>(
      `INSERT INTO staff_login_failures (key, n, reset_at) VALUES (?, 1, ?)
       ON CONFLICT (key) DO UPDATE SET n = CASE WHEN reset_at <= ? THEN 1 ELSE n + 1 END, reset_at = CASE WHEN reset_at <= ? THEN ? ELSE reset_at END
       RETURNING n, reset_at`,
    );
    this.drop = db.prepare('DELETE FROM staff_login_failures WHERE key = ?');
    this.takeBack = db.prepare('UPDATE staff_login_failures SET n = n - 1 WHERE key = ? AND n > 0');
  }

  async fail(key: string, windowMs: number): Promise<FailureCount> {
    const now = Date.now();
    const r = this.bump.get(key, now + windowMs, now, now, now + windowMs)!;
    return { count: r.n, resetInMs: r.reset_at - now };
  }

  async clear(key: string): Promise<void> {
    this.drop.run(key);
  }

  async forgive(key: string): Promise<void> {
    this.takeBack.run(key);
  }
}

class SqliteAnnouncements implements AnnouncementRepository {
  private readonly insert;
  private readonly all;
  private readonly count;
  private readonly total;
  private readonly slice;

  constructor(db: Database.Database) {
    this.insert = db.prepare('INSERT INTO staff_announcements (id, record, reached) VALUES (?, ?, ?)');
    this.all = db.prepare<[], { record: string; reached: number }>('SELECT record, reached FROM staff_announcements ORDER BY id DESC');
    this.count = db.prepare('UPDATE staff_announcements SET reached = reached + ? WHERE id = ?');
    this.total = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM staff_announcements');
    // Ids sort by time (newChangeId): their order is the order they were sent.
    this.slice = db.prepare<[number, number], { record: string; reached: number }>('SELECT record, reached FROM staff_announcements ORDER BY id LIMIT ? OFFSET ?');
  }

  async size(): Promise<number> {
    return this.total.get()!.n;
  }

  async range(from: number, to: number): Promise<Announcement[]> {
    return this.slice.all(Math.max(0, to - from), from).map((r) => ({ ...JSON.parse(r.record), reached: r.reached }));
  }

  async add(a: Announcement): Promise<void> {
    const { reached, ...record } = a;
    this.insert.run(a.id, JSON.stringify(record), reached);
  }

  async list(): Promise<Announcement[]> {
    return this.all.all().map((r) => ({ ...JSON.parse(r.record), reached: r.reached }));
  }

  async reached(id: string, n: number): Promise<void> {
    this.count.run(n, id);
  }
}

export function sqliteStaff(db: Database.Database): StaffStores {
  db.exec(SCHEMA);
  return { accounts: new SqliteAccounts(db), sessions: new SqliteSessions(db), failures: new SqliteFailures(db), announcements: new SqliteAnnouncements(db) };
}
