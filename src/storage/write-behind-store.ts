import { EventEmitter } from 'node:events';
import type { KeyvStoreAdapter } from 'keyv';
import type { KeyvSqlite } from './keyv-sqlite.js';

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

  constructor(
    private readonly file: KeyvSqlite,
    private readonly maxEntries = 100_000,
    private readonly everyMs = 50,
    /** A conversation nobody reads again stayed in the file for ever (keyv drops one only when it is read). */
    private readonly purgeEveryMs = 60_000,
  ) {
    super();
  }

  /** The time to delete the expired conversations by, when purgeEveryMs has passed since the last time; they go from memory now. */
  private purgeDue(now: number): number | undefined {
    if (now - this.purgedAt < this.purgeEveryMs) return undefined;
    this.purgedAt = now;
    for (const [key, value] of this.memory) if (!this.dirty.has(key) && expiresAt(value) <= now) this.memory.delete(key);
    return now;
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
    const row = await this.file.get<string>(key);
    if (row === undefined) return undefined;
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

  /**
   * Writes every changed session in one transaction (expiry travels inside the value), and at most
   * once a minute deletes the conversations whose expiry has passed, from the file (through the
   * index on keyv's expiry) and from memory. Resolves when they are on disk.
   */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.dirty.size === 0) return;
    const batch = [...this.dirty];
    this.dirty.clear();
    try {
      const entries = batch.map(([key]): [string, string] => [key, JSON.stringify(this.memory.get(key))]);
      this.file.writeBatch(entries, this.purgeDue(Date.now()));
    } catch (err) {
      // Not written: keep them for the next flush (unless changed again since).
      for (const [key, ttl] of batch) if (!this.dirty.has(key) && this.memory.has(key)) this.dirty.set(key, ttl);
      this.timer ??= setTimeout(() => void this.flush(), this.everyMs);
      this.emit('error', err);
    }
  }

  async disconnect(): Promise<void> {
    await this.flush();
    if (this.dirty.size > 0) await this.flush(); // one more try for a batch that failed
    clearTimeout(this.timer);
    await this.file.disconnect();
  }
}
