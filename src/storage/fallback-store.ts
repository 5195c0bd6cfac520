import { EventEmitter } from 'node:events';
import type { KeyvStoreAdapter } from 'keyv';
import type { FallbackEvents } from './health.js';

/**
 * The sessions' keyv store on Redis: it serves from its primary and, when the primary fails or
 * is too slow, from an in-process Map until the primary answers again: the chat keeps answering
 * while Redis is down (the other records are refused then instead: nothing else is kept in memory). What is written meanwhile lives in this process only and is dropped when the
 * primary answers again (conversations then start afresh).
 */
export class FallbackStore extends EventEmitter {
  opts: unknown = {};
  private memory = new Map<string, unknown>();
  private degraded = false;
  private probe?: NodeJS.Timeout;

  constructor(
    private readonly primary: KeyvStoreAdapter,
    private readonly events: FallbackEvents,
    private readonly timeoutMs = 300,
    private readonly probeEveryMs = 1000,
  ) {
    super();
    primary.on?.('error', () => {}); // failures surface through the calls below
  }

  get namespace(): string | undefined {
    return this.primary.namespace;
  }

  set namespace(ns: string | undefined) {
    this.primary.namespace = ns;
  }

  get isDegraded(): boolean {
    return this.degraded;
  }

  private async attempt<T>(op: () => Promise<T>, fallback: () => T): Promise<T> {
    if (this.degraded) return fallback();
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        op(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`store did not answer in ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
    } catch (err) {
      this.degrade(err);
      return fallback();
    } finally {
      clearTimeout(timer);
    }
  }

  private degrade(err: unknown): void {
    if (this.degraded) return;
    this.degraded = true;
    this.events.onDegraded(err);
    this.probe = setInterval(() => {
      this.primary
        .get('__probe__')
        .then(() => {
          if (!this.degraded) return;
          this.degraded = false;
          this.memory.clear();
          clearInterval(this.probe);
          this.events.onRecovered();
        })
        .catch(() => {});
    }, this.probeEveryMs);
    this.probe.unref();
  }

  get<Value>(key: string) {
    return this.attempt(
      () => this.primary.get<Value>(key),
      () => this.memory.get(key) as never,
    );
  }

  set(key: string, value: unknown, ttl?: number) {
    return this.attempt(
      () => Promise.resolve(this.primary.set(key, value, ttl)),
      () => {
        this.memory.set(key, value);
        return true;
      },
    );
  }

  delete(key: string) {
    this.memory.delete(key);
    return this.attempt(
      () => this.primary.delete(key),
      () => true,
    );
  }

  clear() {
    this.memory.clear();
    return this.attempt(
      () => this.primary.clear(),
      () => undefined,
    );
  }

  async disconnect(): Promise<void> {
    clearInterval(this.probe);
    await this.primary.disconnect?.().catch(() => {});
  }
}
