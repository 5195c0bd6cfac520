import fs from 'node:fs';
import readline from 'node:readline';
import { Redis } from 'ioredis';
import { RECORDS_PREFIX } from '../redis.js';
import { SESSIONS_NAMESPACE } from '../index.js';
import { BackupError } from './archive.js';

/**
 * The Redis side of a backup: every key under the bot's prefixes, whatever its type, as Redis's
 * own DUMP with its expiry, restored with RESTORE … ABSTTL (a key keeps the moment it expires; one
 * that expired meanwhile is skipped). BullMQ's keys (`bull:`) are left out on purpose: they are
 * the queue's working state (jobs, locks, event streams) kept consistent by its own scripts, and a
 * copy restored later would send again the notices the original had already sent; what they
 * deliver from (subscriptions, statuses) is under the bot's prefix.
 */
export const PREFIXES = [RECORDS_PREFIX, `${SESSIONS_NAMESPACE}:`];
export const EXCLUDED = ['bull:'];

// One script: the keys and their values read at a single moment, so related keys (an office's
// subscribers and each subscriber's offices) agree. Redis serves nothing else while it runs.
const SNAPSHOT = `
local out = {}
for _, prefix in ipairs(ARGV) do
  for _, key in ipairs(redis.call('KEYS', prefix .. '*')) do
    local ttl = redis.call('PTTL', key)
    if ttl ~= -2 then
      table.insert(out, key)
      table.insert(out, ttl)
      table.insert(out, redis.call('DUMP', key))
    end
  end
end
local time = redis.call('TIME')
table.insert(out, time[1] * 1000 + math.floor(time[2] / 1000))
return out`;

interface Line {
  key: string;
  /** When the key expires (ms since the epoch), or null. */
  expiresAt: number | null;
  dump: string;
}

const connect = (url: string) => new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000, retryStrategy: () => null });

/** Writes every key under the prefixes into `file` (one JSON line each); how many. */
export async function dumpKeys(url: string, file: string): Promise<number> {
  const redis = connect(url);
  await redis.connect();
  try {
    const reply = (await redis.callBuffer('EVAL', SNAPSHOT, '0', ...PREFIXES)) as (Buffer | number)[];
    const now = Number(reply.pop()); // Redis's clock (ms), which the TTLs count from
    const out = fs.createWriteStream(file);
    for (let i = 0; i < reply.length; i += 3) {
      const ttl = Number(reply[i + 1]);
      const line: Line = { key: reply[i].toString(), expiresAt: ttl >= 0 ? now + ttl : null, dump: (reply[i + 2] as Buffer).toString('base64') };
      out.write(`${JSON.stringify(line)}\n`);
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    return reply.length / 3;
  } finally {
    redis.disconnect();
  }
}

/** How many keys the bot has in this Redis (a restore refuses to mix into them). */
export async function keysIn(url: string): Promise<number> {
  const redis = connect(url);
  await redis.connect();
  try {
    let n = 0;
    for (const prefix of PREFIXES) n += (await redis.keys(`${prefix}*`)).length;
    return n;
  } finally {
    redis.disconnect();
  }
}

/**
 * Restores the keys of `file`; with `replace`, the bot's keys there are deleted first, so that
 * Redis then holds the backup and nothing else of the bot. How many keys were restored.
 */
export async function restoreKeys(url: string, file: string, replace: boolean): Promise<number> {
  const redis = connect(url);
  await redis.connect();
  try {
    if (replace) {
      for (const prefix of PREFIXES) {
        const keys = await redis.keys(`${prefix}*`);
        for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
      }
    }
    let restored = 0;
    let batch = redis.pipeline();
    let queued = 0;
    const flush = async () => {
      const results = (await batch.exec()) ?? [];
      const failed = results.find(([err]) => err);
      if (failed) throw new BackupError(`Redis refused a key: ${failed[0]!.message}`);
      batch = redis.pipeline();
      queued = 0;
    };
    for await (const text of readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })) {
      if (!text) continue;
      const line = JSON.parse(text) as Line;
      if (line.expiresAt !== null && line.expiresAt <= Date.now()) continue; // expired since the backup
      const dump = Buffer.from(line.dump, 'base64');
      batch.call('RESTORE', line.key, line.expiresAt ?? 0, dump, ...(line.expiresAt === null ? [] : ['ABSTTL']));
      restored++;
      if (++queued === 500) await flush();
    }
    await flush();
    return restored;
  } finally {
    redis.disconnect();
  }
}
