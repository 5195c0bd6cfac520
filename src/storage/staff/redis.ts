import { RECORDS_PREFIX as P, type RedisRecords } from '../redis.js';
import type { AccountChange, Announcement, AnnouncementRepository, FailureCount, LoginFailureRepository, StaffAccount, StaffAccountRepository, StaffSessionRepository, StaffStores } from './types.js';

/** The staff's records on Redis, under the bot's prefix; a change is one command or one Lua script. */
const ACCOUNTS = `${P}staff:accounts`;
const session = (id: string) => `${P}staff:session:${id}`;
const failures = (key: string) => `${P}staff:failures:${key}`;
const ANNOUNCEMENTS = `${P}staff:announcements`;
const announcement = (id: string) => `${P}staff:announcement:${id}`;

/** Merges the change into the account's JSON inside Redis: two instances never undo each other's edits. */
const UPDATE_ACCOUNT = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return false end
local a = cjson.decode(v)
local c = cjson.decode(ARGV[2])
for k, x in pairs(c) do a[k] = x end
if c.passwordHash then a.passwordVersion = a.passwordVersion + 1 end
a.updatedAt = ARGV[3]
local out = cjson.encode(a)
redis.call('HSET', KEYS[1], ARGV[1], out)
return out`;

/** The window opens with the first failure and closes on its own (the key's expiry). */
const FAIL = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

/** DECR keeps the key's expiry; a count already at 0 (or gone) stays so. */
const FORGIVE = `if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then return redis.call('DECR', KEYS[1]) end return 0`;

const REACHED = `if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HINCRBY', KEYS[1], 'reached', ARGV[1]) end return 0`;

/** Lua's JSON writes an empty list as {}: orgs are read back as a list whatever came. */
function parseAccount(json: string): StaffAccount {
  const a = JSON.parse(json) as StaffAccount;
  return { ...a, orgs: Array.isArray(a.orgs) ? a.orgs : [] };
}

class RedisAccounts implements StaffAccountRepository {
  constructor(private readonly redis: RedisRecords) {}

  create(a: StaffAccount): Promise<boolean> {
    return this.redis.run(async (c) => Number(await c.hSetNX(ACCOUNTS, a.username, JSON.stringify(a))) === 1);
  }

  get(username: string): Promise<StaffAccount | undefined> {
    return this.redis.run(async (c) => {
      const v = await c.hGet(ACCOUNTS, username);
      return v ? parseAccount(v) : undefined;
    });
  }

  list(): Promise<StaffAccount[]> {
    return this.redis.run(async (c) => (await c.hVals(ACCOUNTS)).map(parseAccount).sort((a, b) => a.username.localeCompare(b.username)));
  }

  update(username: string, change: AccountChange, at: string): Promise<StaffAccount | undefined> {
    return this.redis.run(async (c) => {
      const out = await c.eval(UPDATE_ACCOUNT, { keys: [ACCOUNTS], arguments: [username, JSON.stringify(change), at] });
      return typeof out === 'string' ? parseAccount(out) : undefined;
    });
  }

  remove(username: string): Promise<boolean> {
    return this.redis.run(async (c) => Number(await c.hDel(ACCOUNTS, username)) === 1);
  }
}

class RedisSessions implements StaffSessionRepository {
  constructor(private readonly redis: RedisRecords) {}

  get(id: string): Promise<string | undefined> {
    return this.redis.run(async (c) => (await c.get(session(id))) ?? undefined);
  }

  async set(id: string, data: string, ttlMs: number): Promise<void> {
    await this.redis.run((c) => c.set(session(id), data, { PX: Math.max(1, Math.round(ttlMs)) }));
  }

  async destroy(id: string): Promise<void> {
    await this.redis.run((c) => c.del(session(id)));
  }
}

class RedisFailures implements LoginFailureRepository {
  constructor(private readonly redis: RedisRecords) {}

  fail(key: string, windowMs: number): Promise<FailureCount> {
    return this.redis.run(async (c) => {
      const [n, ttl] = (await c.eval(FAIL, { keys: [failures(key)], arguments: [String(windowMs)] })) as [number, number];
      return { count: Number(n), resetInMs: Math.max(0, Number(ttl)) };
    });
  }

  async clear(key: string): Promise<void> {
    await this.redis.run((c) => c.del(failures(key)));
  }

  async forgive(key: string): Promise<void> {
    await this.redis.run((c) => c.eval(FORGIVE, { keys: [failures(key)] }));
  }
}

class RedisAnnouncements implements AnnouncementRepository {
  constructor(private readonly redis: RedisRecords) {}

  async add(a: Announcement): Promise<void> {
    const { reached, ...record } = a;
    await this.redis.run((c) =>
      c.multi().hSet(announcement(a.id), { record: JSON.stringify(record), reached: String(reached) }).rPush(ANNOUNCEMENTS, a.id).exec(),
    );
  }

  async list(): Promise<Announcement[]> {
    return (await this.range(0, await this.size())).reverse();
  }

  size(): Promise<number> {
    return this.redis.run((c) => c.lLen(ANNOUNCEMENTS));
  }

  range(from: number, to: number): Promise<Announcement[]> {
    if (to <= from) return Promise.resolve([]);
    return this.redis.run(async (c) => {
      const ids = await c.lRange(ANNOUNCEMENTS, from, to - 1);
      if (ids.length === 0) return [];
      const tx = c.multi();
      for (const id of ids) tx.hGetAll(announcement(id));
      const records = (await tx.exec()) as unknown as Record<string, string>[];
      return records.filter((r) => r?.record).map((r) => ({ ...JSON.parse(r.record), reached: Number(r.reached) }));
    });
  }

  async reached(id: string, n: number): Promise<void> {
    await this.redis.run((c) => c.eval(REACHED, { keys: [announcement(id)], arguments: [String(n)] }));
  }
}

export function redisStaff(records: RedisRecords): StaffStores {
  return { accounts: new RedisAccounts(records), sessions: new RedisSessions(records), failures: new RedisFailures(records), announcements: new RedisAnnouncements(records) };
}
