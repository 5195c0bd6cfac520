import fs from 'node:fs';
import path from 'node:path';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import { createRequire } from 'node:module';
import type KeyvSqliteType from '@keyv/sqlite';
import type * as KeyvRedisModule from '@keyv/redis';
import type { Config } from '../config.js';
import { FallbackStore, type FallbackEvents } from './fallback-store.js';
import { WriteBehindStore } from './write-behind-store.js';

/** What the bot keeps: each a keyv namespace in the same backing store. */
const NAMESPACES = ['sessions', 'subscriptions', 'status', 'audit', 'outbox', 'stats', 'inbox'] as const;
export type Namespace = (typeof NAMESPACES)[number];

export interface Stores extends Record<Namespace, Keyv> {
  kind: 'memory' | 'sqlite' | 'redis';
  close(): Promise<void>;
}

type StoreConfig = Pick<Config, 'STORE' | 'DATA_DIR' | 'REDIS_URL'>;

// Loaded only by the deployments that use them: the Redis client alone takes ~200 ms to import.
const require = createRequire(import.meta.url);

function adapter(config: StoreConfig, events: FallbackEvents): (ns: Namespace) => KeyvStoreAdapter | Map<unknown, unknown> {
  if (config.STORE === 'redis') {
    if (!config.REDIS_URL) throw new Error('STORE=redis needs REDIS_URL');
    const { default: KeyvRedis, createClient } = require('@keyv/redis') as typeof KeyvRedisModule;
    // Fail fast instead of queueing commands while Redis is away: the fallback store takes over.
    const client = createClient({
      url: config.REDIS_URL,
      disableOfflineQueue: true,
      socket: { connectTimeout: 1000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000) },
    });
    client.on('error', () => {}); // reported once by the fallback store
    // One report for all namespaces: degraded when the first fails, recovered once the last is back
    // (each namespace probes on its own; until then it still serves, and writes, in memory).
    let degraded = 0;
    const once: FallbackEvents = {
      onDegraded: (err) => {
        if (degraded++ === 0) events.onDegraded(err);
      },
      onRecovered: () => {
        if (--degraded === 0) events.onRecovered();
      },
    };
    return () =>
      new FallbackStore(
        new KeyvRedis(client as never, { throwOnErrors: true, throwOnConnectError: true }) as unknown as KeyvStoreAdapter,
        once,
      ) as unknown as KeyvStoreAdapter;
  }
  if (config.STORE === 'sqlite') {
    fs.mkdirSync(config.DATA_DIR, { recursive: true });
    const KeyvSqlite = (require('@keyv/sqlite') as { default: typeof KeyvSqliteType }).default;
    const uri = `sqlite://${path.resolve(config.DATA_DIR, 'bot.sqlite')}`;
    return (ns) => {
      const store = new KeyvSqlite({ uri, busyTimeout: 10_000 });
      // Write-ahead logging: a session write is an append, not a synced rewrite of the page.
      // NORMAL sync keeps the database consistent on a crash (the last writes may be lost).
      void store.query('PRAGMA journal_mode=WAL').then(() => store.query('PRAGMA synchronous=NORMAL')).catch(() => {});
      // Sessions are read and written on every message: served from memory, written behind.
      if (ns === 'sessions') return new WriteBehindStore(store);
      return store;
    };
  }
  const map = new Map();
  return () => map;
}

/**
 * The keyv stores: in-process (STORE=memory), an SQLite file under DATA_DIR (the default), or
 * Redis (REDIS_URL) so that several instances behind a load balancer share everything.
 */
export function createStores(
  config: StoreConfig,
  events: FallbackEvents = { onDegraded: () => {}, onRecovered: () => {} },
): Stores {
  const make = adapter(config, events);
  // Plain JSON: everything stored is plain data, and keyv's default serializer (which also
  // handles Buffers and BigInts) showed up in the request profile.
  const json = { serialize: JSON.stringify, deserialize: JSON.parse } as const;
  // SQLite sessions are kept as objects in memory: the write-behind store does the JSON.
  const raw = { serialize: undefined, deserialize: undefined };
  const stores = Object.fromEntries(
    NAMESPACES.map((ns) => [ns, new Keyv({ store: make(ns), namespace: ns, ...(config.STORE === 'sqlite' && ns === 'sessions' ? raw : json) })]),
  ) as Record<Namespace, Keyv>;
  return {
    ...stores,
    kind: config.STORE,
    async close() {
      await Promise.allSettled(NAMESPACES.map((ns) => stores[ns].disconnect()));
    },
  };
}
