import { EventEmitter } from 'node:events';
import type { KeyvStoreAdapter } from 'keyv';

type SqliteAdapter = KeyvStoreAdapter & { query?: (sql: string) => Promise<unknown> };

/**
 * Sessions for a single instance on SQLite: read from process memory, written to the file
 * behind the answer, every 50 ms, each changed session once, in one transaction. Only this
 * process writes the file, so memory is never stale; close() writes what is pending
 * (graceful shutdown), so nothing is lost then; a crash loses at most the last 50 ms.
 */
export class WriteBehindStore extends EventEmitter {
  opts: unknown = {};
  private memory = new Map<string, unknown>();
  private dirty = new Map<string, number | undefined>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: SqliteAdapter,
    private readonly maxEntries = 100_000,
    private readonly everyMs = 50,
  ) {
    super();
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

  async get<Value>(key: string) {
    if (this.memory.has(key)) return this.memory.get(key) as never;
    const value = await this.file.get<Value>(key);
    if (value !== undefined) this.remember(key, value);
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
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      const tx = batch.length > 1 && this.file.query;
      try {
        if (tx) await this.file.query!('BEGIN');
        await Promise.all(batch.map(([key, ttl]) => this.file.set(key, this.memory.get(key), ttl)));
        if (tx) await this.file.query!('COMMIT');
      } catch (err) {
        if (tx) await this.file.query!('ROLLBACK').catch(() => {});
        this.emit('error', err);
      }
    });
    return this.flushing;
  }

  async disconnect(): Promise<void> {
    await this.flush();
    await this.file.disconnect?.();
  }
}
