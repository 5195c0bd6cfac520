import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { createStores, type Stores } from '../../src/storage/index.js';
import type { Config } from '../../src/config.js';
import { startRedis, type RedisServer } from './redis-server.js';

export const STORE_KINDS = ['memory', 'sqlite', 'redis'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

/**
 * A repository's tests on each store: memory, an SQLite file and a real redis-server (started once
 * for the file). `stores(kind)` opens a new set in a folder of its own; `stores(kind, dir)` on a
 * given one (two sets on one file or one Redis stand for two instances). All are closed after.
 */
export function eachStore(name: string, options: Partial<Config> = {}, clock?: () => number) {
  let redis: RedisServer;
  const opened: Stores[] = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `civic-${name}-`));
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const s of opened) await s.close();
    await redis?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    dataDir,
    /** The redis-server's address (for a client of a test's own, or a ChatCore on it). */
    redisUrl: () => redis.url,
    stores(kind: StoreKind, dir = path.join(dataDir, randomUUID())): Stores {
      const s = createStores({ STORE: kind, DATA_DIR: dir, REDIS_URL: redis.url, ...options }, undefined, clock);
      opened.push(s);
      return s;
    },
  };
}
