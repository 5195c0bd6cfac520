import { RECORDS_PREFIX as P, type RedisRecords } from '../redis.js';
import type { CrisisNotice, CrisisNoticeLogEntry, CrisisNoticeRepository } from './types.js';

const NOTICES = `${P}crisis:notices`;
const LOG = `${P}crisis:log`;

/**
 * Replaces (ARGV[2] the notice) or removes (ARGV[2] empty) an organisation's notice and logs it with
 * the one before, in one script: two instances never log a "before" that the other already replaced.
 * Returns the notice before, or false.
 */
const CHANGE = `
local before = redis.call('HGET', KEYS[1], ARGV[1])
local entry = cjson.decode(ARGV[3])
if ARGV[2] == '' then
  if not before then return false end
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
if before then
  local b = cjson.decode(before)
  entry['before'] = { id = b['id'], text = b['text'], ['until'] = b['until'] }
end
redis.call('RPUSH', KEYS[2], cjson.encode(entry))
return before`;

/** The notices on Redis: a hash of organisation -> notice (JSON), and the log as a list. */
export class RedisCrisisNotices implements CrisisNoticeRepository {
  constructor(private readonly redis: RedisRecords) {}

  private change(org: string, notice: CrisisNotice | undefined, entry: Omit<CrisisNoticeLogEntry, 'before'>): Promise<CrisisNotice | undefined> {
    return this.redis.run(async (c) => {
      const before = await c.eval(CHANGE, { keys: [NOTICES, LOG], arguments: [org, notice ? JSON.stringify(notice) : '', JSON.stringify(entry)] });
      return typeof before === 'string' ? (JSON.parse(before) as CrisisNotice) : undefined;
    });
  }

  set(notice: CrisisNotice, entry: Omit<CrisisNoticeLogEntry, 'before'>): Promise<CrisisNotice | undefined> {
    return this.change(notice.org, notice, entry);
  }

  end(org: string, entry: Omit<CrisisNoticeLogEntry, 'before'>): Promise<CrisisNotice | undefined> {
    return this.change(org, undefined, entry);
  }

  all(): Promise<CrisisNotice[]> {
    return this.redis.run(async (c) => Object.values(await c.hGetAll(NOTICES)).map((n) => JSON.parse(n) as CrisisNotice));
  }

  size(): Promise<number> {
    return this.redis.run((c) => c.lLen(LOG));
  }

  range(from: number, to: number): Promise<CrisisNoticeLogEntry[]> {
    if (to <= from) return Promise.resolve([]);
    return this.redis.run(async (c) => (await c.lRange(LOG, from, to - 1)).map((e) => JSON.parse(e) as CrisisNoticeLogEntry));
  }
}
