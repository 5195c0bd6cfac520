import { EventEmitter } from 'node:events';
import Database from 'better-sqlite3';
import type { KeyvStoreAdapter } from 'keyv';

/** The table and index the sessions' file had under @keyv/sqlite (the sqlite3 package), kept as they were. */
const TABLE = 'keyv';
const SCHEMA = `
CREATE TABLE IF NOT EXISTS ${TABLE}(key VARCHAR(255) PRIMARY KEY, value TEXT );
CREATE INDEX IF NOT EXISTS ${TABLE}_by_expiry ON ${TABLE} (json_extract(value, '$.expires'));
`;

/**
 * keyv's store for the conversations, on better-sqlite3 (the driver of every other record): one
 * native build and one copy of SQLite in the process. Keyv's stored entries are the JSON of
 * `{ value, expires }`; this store keeps them in @keyv/sqlite's table (key, value), so a
 * `sessions.sqlite` written by the releases before is read as it is, and keyv ends an entry at its
 * `expires` as before. Statements run synchronously; the methods return promises because keyv's
 * interface does.
 */
export class KeyvSqlite extends EventEmitter implements KeyvStoreAdapter {
  readonly opts = { dialect: 'sqlite', table: TABLE };
  namespace?: string;
  private readonly db: Database.Database;
  private readonly select;
  private readonly upsert;
  private readonly remove;
  private readonly removePrefixed;
  private readonly removeExpired;
  private readonly writeAll;

  constructor(file: string) {
    super();
    this.db = new Database(file);
    // Write-ahead logging: a write is an append, synced at checkpoints.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 10000');
    // An erased conversation's row is overwritten, not left in free pages.
    this.db.pragma('secure_delete = ON');
    this.db.exec(SCHEMA);
    this.select = this.db.prepare<[string], { value: string }>(`SELECT value FROM ${TABLE} WHERE key = ?`);
    this.upsert = this.db.prepare<[string, string]>(`INSERT INTO ${TABLE} (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
    this.remove = this.db.prepare<[string]>(`DELETE FROM ${TABLE} WHERE key = ?`);
    this.removePrefixed = this.db.prepare<[string, string]>(`DELETE FROM ${TABLE} WHERE substr(key, 1, length(?)) = ?`);
    // Through the index on keyv's expiry: the expired rows only are read.
    this.removeExpired = this.db.prepare<[number]>(`DELETE FROM ${TABLE} WHERE json_extract(value, '$.expires') <= ?`);
    this.writeAll = this.db.transaction((entries: [string, string][], expiredBy?: number) => {
      for (const [key, value] of entries) this.upsert.run(key, value);
      if (expiredBy !== undefined) this.removeExpired.run(expiredBy);
    });
  }

  /** The entry as keyv stored it (its JSON: keyv's type calls it Value, as @keyv/sqlite's does), or undefined. */
  async get<Value = string>(key: string): Promise<Value | undefined> {
    return this.select.get(key)?.value as Value | undefined;
  }

  async getMany<Value = string>(keys: string[]): Promise<(Value | undefined)[]> {
    return keys.map((key) => this.select.get(key)?.value as Value | undefined);
  }

  async has(key: string): Promise<boolean> {
    return this.select.get(key) !== undefined;
  }

  async set(key: string, value: string): Promise<void> {
    this.upsert.run(key, value);
  }

  async delete(key: string): Promise<boolean> {
    return this.remove.run(key).changes > 0;
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    let deleted = 0;
    for (const key of keys) deleted += this.remove.run(key).changes;
    return deleted > 0;
  }

  /** Every entry of this store's namespace (all of them without one). */
  async clear(): Promise<void> {
    const prefix = this.namespace ? `${this.namespace}:` : '';
    this.removePrefixed.run(prefix, prefix);
  }

  /**
   * Writes the entries in one IMMEDIATE transaction (the file synced once for them) and, given a
   * time, deletes in it the entries whose keyv expiry has come by then. Throws when the file
   * cannot be written: nothing of the batch is then.
   */
  writeBatch(entries: [string, string][], expiredBy?: number): void {
    this.writeAll.immediate(entries, expiredBy);
  }

  /** Copies the write-ahead log into the file and truncates it (after an erasure: no copy left there). */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async disconnect(): Promise<void> {
    this.db.close();
  }
}
