import type { RedisClientType } from '@keyv/redis';
import { ErrorReply } from '@redis/client';
import type { Address } from '../domain/types.js';
import type { Lang } from '../knowledge/schema.js';
import { StoreUnavailableError, withinTime } from './errors.js';
import type { StoreHealth } from './health.js';
import {
  COUNTED,
  MAX_UNANSWERED_PER_DAY,
  MAX_UNREAD_NOTICES,
  addressKey,
  dayFromCounts,
  expires,
  firstTextDay,
  webExpiry,
  DAY_MS,
  dateOfDay,
  type Retention,
  type Notice,
  type AuditRecord,
  type AuditRepository,
  type DayStats,
  type InboxRepository,
  type StatsRepository,
  type StatusRepository,
  type StoredStatus,
  type Subscriber,
  type SubscriptionRepository,
} from './types.js';

/** How long a record's write may take before the caller is told it was not saved. */
const ANSWER_WITHIN_MS = 1000;
const PROBE_EVERY_MS = 500;
/** Every record's key starts with it (backups copy every key under it: scripts/admin/backup.ts). */
export const RECORDS_PREFIX = 'chatbot:';
const P = RECORDS_PREFIX;

/** Replies that say Redis cannot serve now (loading its data, busy with a script, a replica cut off): the store, not the command. */
const SERVER_UNAVAILABLE = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|READONLY)\b/;

/**
 * Redis answered and refused the command (a wrong argument, a key of another type): that command
 * failed, the store did not. Any other failure (no connection, no answer in time) is the store's.
 */
export const refusedCommand = (err: unknown): err is ErrorReply => err instanceof ErrorReply && !SERVER_UNAVAILABLE.test(err.message);

/**
 * Runs the repositories' commands: each must answer within a second, or it fails with
 * StoreUnavailableError (a timed-out command may still run when Redis answers again: every
 * operation here is safe to repeat). While Redis is away calls fail at once, and a PING every
 * half second finds out when it is back. A command Redis refuses fails alone, with Redis's
 * error: the store is not taken for unreachable (every other call would then fail too).
 */
export class RedisRecords {
  private probe?: NodeJS.Timeout;

  constructor(
    readonly client: RedisClientType,
    private readonly health: StoreHealth,
    /** The first connection: commands wait for it (within their second) rather than fail before it. */
    private readonly connected: Promise<void>,
  ) {}

  async run<T>(op: (client: RedisClientType) => Promise<T>): Promise<T> {
    if (this.probe) throw new StoreUnavailableError();
    try {
      return await withinTime(ANSWER_WITHIN_MS, async () => {
        await this.connected;
        return op(this.client);
      });
    } catch (err) {
      const cause = err instanceof StoreUnavailableError ? err.cause : err;
      if (refusedCommand(cause)) throw cause;
      this.degrade(err);
      throw err;
    }
  }

  private degrade(err: unknown): void {
    if (this.probe) return;
    this.health.failed('records', err);
    let probing = false;
    this.probe = setInterval(() => {
      if (probing) return;
      probing = true;
      this.client
        .ping()
        .then(() => {
          clearInterval(this.probe);
          this.probe = undefined;
          this.health.recovered('records');
        })
        .catch(() => {})
        .finally(() => (probing = false));
    }, PROBE_EVERY_MS);
    this.probe.unref();
  }

  stop(): void {
    clearInterval(this.probe);
  }
}

/** Closes a client, waiting up to a second for the replies it still expects (Redis may be gone). */
export async function closeClient(client: { isOpen: boolean; close(): Promise<unknown>; destroy(): void }): Promise<void> {
  if (!client.isOpen) return;
  await withinTime(1000, () => client.close()).catch(() => {});
  if (client.isOpen) client.destroy();
}

const officeKey = (office: string) => `${P}sub:office:${office}`;
const offices = (address: Address) => `${P}sub:address:${addressKey(address)}`;
/** Web subscriptions by their end (`office|address`, scored in ms): Redis 7.0 has no TTL on a hash field. */
const ENDS = `${P}sub:ends`;

/**
 * Removes the ended web subscriptions (at most 1,000 a call, the rest the next) from their office's
 * hash and their address's set, atomically. Run before every read and write of subscriptions, with
 * the bot's clock.
 */
const PURGE = `
local ended = redis.call('ZRANGE', KEYS[1], '-inf', ARGV[1], 'BYSCORE', 'LIMIT', 0, 1000)
for _, member in ipairs(ended) do
  local at = string.find(member, '|', 1, true)
  local office, address = string.sub(member, 1, at - 1), string.sub(member, at + 1)
  redis.call('HDEL', ARGV[2] .. 'sub:office:' .. office, address)
  redis.call('SREM', ARGV[2] .. 'sub:address:' .. address, office)
  redis.call('ZREM', KEYS[1], member)
end
return #ended`;

/**
 * An office's subscribers in a hash (address → subscriber), an address's offices in a set. A web
 * subscription also has its end in ENDS; its address's set expires with the latest of them.
 */
export class RedisSubscriptions implements SubscriptionRepository {
  constructor(
    private readonly redis: RedisRecords,
    private readonly retention: Retention,
  ) {}

  /** A transaction that purges first. */
  private purged(c: RedisClientType) {
    return c.multi().eval(PURGE, { keys: [ENDS], arguments: [String(this.retention.now()), P] });
  }

  add(office: string, address: Address, lang: Lang): Promise<boolean> {
    const value = JSON.stringify({ address, lang } satisfies Subscriber);
    return this.redis.run(async (c) => {
      const tx = this.purged(c).hSet(officeKey(office), addressKey(address), value).sAdd(offices(address), office);
      if (expires(address)) {
        const end = webExpiry(this.retention);
        tx.zAdd(ENDS, { score: end, value: `${office}|${addressKey(address)}` }).pExpireAt(offices(address), end);
      }
      const [, added] = await tx.exec();
      return Number(added) === 1;
    });
  }

  remove(address: Address, office?: string): Promise<number> {
    return this.redis.run(async (c) => {
      const [, known] = (await this.purged(c).sMembers(offices(address)).exec()) as unknown as [number, string[]];
      const targets = office ? [office] : known;
      if (targets.length === 0) return 0;
      const tx = c.multi();
      for (const o of targets) tx.hDel(officeKey(o), addressKey(address)).sRem(offices(address), o).zRem(ENDS, `${o}|${addressKey(address)}`);
      const replies = await tx.exec();
      return replies.filter((_, i) => i % 3 === 0).reduce((n: number, r) => n + Number(r), 0);
    });
  }

  subscribers(office: string): Promise<Subscriber[]> {
    return this.redis.run(async (c) => {
      const [, values] = (await this.purged(c).hVals(officeKey(office)).exec()) as unknown as [number, string[]];
      return values.map((v) => JSON.parse(v) as Subscriber);
    });
  }

  count(office: string): Promise<number> {
    return this.redis.run(async (c) => {
      const [, n] = (await this.purged(c).hLen(officeKey(office)).exec()) as unknown as [number, number];
      return Number(n);
    });
  }

  offices(address: Address): Promise<string[]> {
    return this.redis.run(async (c) => {
      const [, members] = (await this.purged(c).sMembers(offices(address)).exec()) as unknown as [number, string[]];
      return members;
    });
  }
}

/** An office's live state as a hash (status, expectedReopening, updatedAt, note.<lang>): a change is one HSET of its fields. */
export class RedisStatus implements StatusRepository {
  constructor(private readonly redis: RedisRecords) {}

  change(office: string, change: StoredStatus): Promise<StoredStatus> {
    return changeLive(this.redis, statusKey(office), change, 'expectedReopening');
  }

  async replace(office: string, record: StoredStatus): Promise<void> {
    await this.redis.run((c) => c.multi().del(statusKey(office)).hSet(statusKey(office), liveToHash(record, 'expectedReopening')).exec());
  }

  all(officeIds: string[]): Promise<Map<string, StoredStatus>> {
    return liveRecords(this.redis, officeIds, statusKey, 'expectedReopening');
  }
}

const statusKey = (office: string) => `${P}status:${office}`;

/** What a live record (an office's or a service's) holds besides its expected return. */
interface LiveRecord {
  updatedAt: string;
  updatedBy?: string;
  status?: string;
  note?: Partial<Record<string, string>>;
  noteWritten?: Partial<Record<string, string>>;
}

/**
 * A live record as a hash (status, its expected return under `dateField`, updatedAt, updatedBy,
 * note.<lang>, written.<lang>), and back: the office's and the service's records alike.
 */
export function liveToHash(change: LiveRecord, dateField: string): Record<string, string> {
  const fields: Record<string, string> = { updatedAt: change.updatedAt };
  if (change.updatedBy) fields.updatedBy = change.updatedBy;
  if (change.status) fields.status = change.status;
  const date = (change as unknown as Record<string, string | undefined>)[dateField];
  if (date !== undefined) fields[dateField] = date;
  for (const [lang, text] of Object.entries(change.note ?? {})) if (text !== undefined) fields[`note.${lang}`] = text;
  for (const [lang, at] of Object.entries(change.noteWritten ?? {})) if (at !== undefined) fields[`written.${lang}`] = at;
  return fields;
}

export function liveFromHash<T extends LiveRecord>(hash: Record<string, string>, dateField: string): T {
  const out: LiveRecord & Record<string, unknown> = { updatedAt: hash.updatedAt };
  if (hash.updatedBy) out.updatedBy = hash.updatedBy;
  if (hash.status) out.status = hash.status;
  if (hash[dateField] !== undefined) out[dateField] = hash[dateField];
  for (const [field, text] of Object.entries(hash)) if (field.startsWith('note.')) out.note = { ...out.note, [field.slice(5)]: text };
  for (const [field, at] of Object.entries(hash)) if (field.startsWith('written.')) out.noteWritten = { ...out.noteWritten, [field.slice(8)]: at };
  return out as unknown as T;
}

/** Live records by id, read in one MULTI (an id without a record is left out). */
export function liveRecords<T extends LiveRecord>(redis: RedisRecords, ids: string[], keyOf: (id: string) => string, dateField: string): Promise<Map<string, T>> {
  return redis.run(async (c) => {
    const tx = c.multi();
    for (const id of ids) tx.hGetAll(keyOf(id));
    const records = (await tx.exec()) as unknown as Record<string, string>[];
    return new Map(ids.flatMap((id, i) => (Object.keys(records[i] ?? {}).length ? [[id, liveFromHash<T>(records[i], dateField)] as const] : [])));
  });
}

/** Merges a change into a live record in one MULTI and reads the record back. */
export function changeLive<T extends LiveRecord>(redis: RedisRecords, key: string, change: T, dateField: string): Promise<T> {
  return redis.run(async (c) => {
    const [, record] = await c.multi().hSet(key, liveToHash(change, dateField)).hGetAll(key).exec();
    return liveFromHash<T>(record as unknown as Record<string, string>, dateField);
  });
}

export class RedisAudit implements AuditRepository {
  constructor(private readonly redis: RedisRecords) {}

  async append(entry: AuditRecord): Promise<void> {
    await this.redis.run((c) => c.rPush(`${P}audit`, JSON.stringify(entry)));
  }

  list(): Promise<AuditRecord[]> {
    return this.redis.run(async (c) => (await c.lRange(`${P}audit`, 0, -1)).map((e) => JSON.parse(e) as AuditRecord));
  }

  size(): Promise<number> {
    return this.redis.run((c) => c.lLen(`${P}audit`));
  }

  range(from: number, to: number): Promise<AuditRecord[]> {
    if (to <= from) return Promise.resolve([]);
    return this.redis.run(async (c) => (await c.lRange(`${P}audit`, from, to - 1)).map((e) => JSON.parse(e) as AuditRecord));
  }
}

/**
 * A day's counters in a hash (HINCRBY), its unanswered questions in a list trimmed to the latest,
 * which expires (PEXPIREAT) once the day is `statsTextDays` old; reads skip it from then too.
 */
export class RedisStats implements StatsRepository {
  constructor(
    private readonly redis: RedisRecords,
    private readonly retention: Retention,
  ) {}

  async add(day: string, add: DayStats): Promise<void> {
    const tx = this.redis.client.multi().hIncrBy(`${P}stats:${day}`, 'total', add.total);
    for (const k of COUNTED) for (const [key, n] of Object.entries(add[k])) tx.hIncrBy(`${P}stats:${day}`, `${k}:${key}`, n);
    if (add.unanswered.length && day >= firstTextDay(this.retention)) {
      tx.rPush(`${P}stats:${day}:unanswered`, add.unanswered.map((u) => JSON.stringify(u)));
      tx.lTrim(`${P}stats:${day}:unanswered`, -MAX_UNANSWERED_PER_DAY, -1);
      tx.pExpireAt(`${P}stats:${day}:unanswered`, Date.parse(`${dateOfDay(day)}T00:00:00Z`) + (this.retention.statsTextDays + 1) * DAY_MS);
    }
    await this.redis.run(() => tx.exec());
  }

  day(day: string): Promise<DayStats | undefined> {
    return this.redis.run(async (c) => {
      const [counts, unanswered] = (await c.multi().hGetAll(`${P}stats:${day}`).lRange(`${P}stats:${day}:unanswered`, 0, -1).exec()) as unknown as [
        Record<string, string>,
        string[],
      ];
      if (Object.keys(counts).length === 0) return undefined;
      return dayFromCounts(
        Object.entries(counts).map(([f, n]) => [f, Number(n)]),
        day < firstTextDay(this.retention) ? [] : unanswered.map((u) => JSON.parse(u)),
      );
    });
  }
}

/** Adds a notice, drops the oldest past the cap (change ids sort by time), and moves the hash's end. */
const PUSH = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local over = redis.call('HLEN', KEYS[1]) - tonumber(ARGV[4])
if over > 0 then
  local ids = redis.call('HKEYS', KEYS[1])
  table.sort(ids)
  for i = 1, over do redis.call('HDEL', KEYS[1], ids[i]) end
end
return redis.call('PEXPIREAT', KEYS[1], ARGV[3])`;

/**
 * A session's notices in a hash (change id → text): pushing a change twice leaves one notice, and
 * past MAX_UNREAD_NOTICES the oldest go. The hash expires `webSubscriptionDays` after its latest
 * notice (PEXPIREAT, from the bot's clock): the notices already there are not rewritten.
 */
export class RedisInbox implements InboxRepository {
  constructor(
    private readonly redis: RedisRecords,
    private readonly retention: Retention,
  ) {}

  async push(sessionId: string, changeId: string, text: string): Promise<void> {
    const args = [changeId, text, String(webExpiry(this.retention)), String(MAX_UNREAD_NOTICES)];
    await this.redis.run((c) => c.eval(PUSH, { keys: [`${P}inbox:${sessionId}`], arguments: args }));
  }

  count(sessionId: string): Promise<number> {
    return this.redis.run((c) => c.hLen(`${P}inbox:${sessionId}`));
  }

  async take(sessionId: string): Promise<string[]> {
    return (await this.takeNotices(sessionId)).map((n) => n.text);
  }

  takeNotices(sessionId: string): Promise<Notice[]> {
    return this.redis.run(async (c) => {
      const [inbox] = (await c.multi().hGetAll(`${P}inbox:${sessionId}`).del(`${P}inbox:${sessionId}`).exec()) as unknown as [Record<string, string>];
      return Object.keys(inbox)
        .sort()
        .map((id) => ({ id, text: inbox[id] }));
    });
  }
}
