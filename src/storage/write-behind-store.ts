import { EventEmitter } from 'node:events';
import type { KeyvStoreAdapter } from 'keyv';
import type { KeyvSqlite } from '@keyv/sqlite';

/** When a session keyv wrote ({ value, expires }) expires; never for one without. */
const expiresAt = (entry: unknown): number => (entry as { expires?: number } | undefined)?.expires ?? Infinity;

/**
 * Sessions for a single instance on SQLite: read from process memory, written to the file
 * behind the answer, every 50 ms, each changed session once, in one transaction. Only this
 * process writes the file, so memory is never stale; close() writes what is pending
 * (graceful shutdown), so nothing is lost then; a crash loses at most the last 50 ms.
 *
 * Its keyv passes entries unserialised (serialize: undefined): memory holds them as objects and
 * they become JSON only at the file, on a flush or a read that misses memory (the same JSON
 * keyv's serializer wrote), instead of a stringify and a parse on every message.
 */
export class WriteBehindStore extends EventEmitter implements KeyvStoreAdapter {
  opts: unknown = {};
  private memory = new Map<string, unknown>();
  private dirty = new Map<string, number | undefined>();
  private timer?: NodeJS.Timeout;
  /** When expired conversations were last deleted (a flush does it, at most every purgeEveryMs). */
  private purgedAt = Date.now();
  /** Flushes run one after the other: a batch is committed before the next one starts. */
  private lastFlush: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: KeyvSqlite,
    private readonly maxEntries = 100_000,
    private readonly everyMs = 50,
    /** A conversation nobody reads again stayed in the file for ever (keyv drops one only when it is read). */
    private readonly purgeEveryMs = 60_000,
  ) {
    super();
  }

  /**
   * Deletes the conversations whose expiry (keyv's `expires`, in the JSON) has passed, from the file
   * (through an index on that expiry: sqliteStores creates it) and from memory.
   */
  private purgeExpired(now: number): Promise<unknown> {
    this.purgedAt = now;
    for (const [key, value] of this.memory) if (!this.dirty.has(key) && expiresAt(value) <= now) this.memory.delete(key);
    return this.file.query(`DELETE FROM ${this.table} WHERE json_extract(value, '$.expires') <= ?`, now);
  }

  /** keyv's table in the file. */
  get table(): string {
    return (this.file.opts as { table: string }).table;
  }

  get namespace(): string | undefined {
    return this.file.namespace;
  }

  set namespace(ns: string | undefined) {
    this.file.namespace = ns;
  }

  private remember(key: string, value: unknown): void {
    // Oldest first out: a Map iterates in insertion order, and a write re-inserts.
    this.memory.delete(key);
    this.memory.set(key, value);
    if (this.memory.size > this.maxEntries) {
      const oldest = this.memory.keys().next().value!;
      if (!this.dirty.has(oldest)) this.memory.delete(oldest);
    }
  }

  async get(key: string) {
    if (this.memory.has(key)) return this.memory.get(key) as never;
    const row = (await this.file.get(key)) as string | undefined | null;
    if (row === undefined || row === null) return undefined;
    const value = JSON.parse(row);
    this.remember(key, value);
    return value;
  }

  async set(key: string, value: unknown, ttl?: number) {
    this.remember(key, value);
    this.dirty.set(key, ttl);
    this.timer ??= setTimeout(() => void this.flush(), this.everyMs);
    return true;
  }

  async delete(key: string) {
    this.memory.delete(key);
    this.dirty.delete(key);
    return this.file.delete(key);
  }

  async clear() {
    this.memory.clear();
    this.dirty.clear();
    await this.file.clear();
  }

  /** Writes every changed session (one transaction); resolves when they are on disk. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.dirty];
    this.dirty.clear();
    const run = this.lastFlush.then(async () => {
      if (batch.length === 0) return;
      const tx = batch.length > 1;
      try {
        // IMMEDIATE: take the write lock first (waiting busyTimeout for it). A deferred transaction
        // that a concurrent get() turned into a reader fails with SQLITE_BUSY when it comes to write.
        if (tx) await this.file.query('BEGIN IMMEDIATE');
        // The store's own upsert, once per session (expiry travels inside the value); in one
        // transaction the file is synced once for the batch.
        await Promise.all(batch.map(([key]) => this.file.set(key, JSON.stringify(this.memory.get(key)))));
        const now = Date.now();
        if (now - this.purgedAt >= this.purgeEveryMs) await this.purgeExpired(now);
        if (tx) await this.file.query('COMMIT');
      } catch (err) {
        if (tx) await this.file.query('ROLLBACK').catch(() => {});
        // Not written: keep them for the next flush (unless changed again since).
        for (const [key, ttl] of batch) if (!this.dirty.has(key) && this.memory.has(key)) this.dirty.set(key, ttl);
        this.timer ??= setTimeout(() => void this.flush(), this.everyMs);
        this.emit('error', err);
      }
    });
    this.lastFlush = run.catch(() => {});
    return run;
  }

  async disconnect(): Promise<void> {
    await this.flush();
    if (this.dirty.size > 0) await this.flush(); // one more try for a batch that failed
    clearTimeout(this.timer);
    await this.file.disconnect();
  }
}
