import { RECORDS_PREFIX as P, type RedisRecords } from '../redis.js';
import { logOf, SCAM_LOG_SHOWN, type ScamEntry, type ScamLogEntry, type ScamRepository } from './types.js';

const list = (org: string) => `${P}scam:list:${org}`;
const log = (org: string) => `${P}scam:log:${org}`;
const ORGS = `${P}scam:orgs`;

/** Lists the entry and logs it in one script, only when it is new: two instances adding it at once log it once. */
const ADD = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('SADD', KEYS[3], ARGV[4])
redis.call('LPUSH', KEYS[2], ARGV[3])
return 1`;

/** Removes the entry and logs it in one script, only when it is there; returns it. */
const REMOVE = `
local entry = redis.call('HGET', KEYS[1], ARGV[1])
if not entry then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
local e = cjson.decode(entry)
redis.call('LPUSH', KEYS[2], cjson.encode({at = ARGV[2], actor = ARGV[3], action = 'remove', org = e.org, kind = e.kind, value = e.value}))
return entry`;

/** The list on Redis: a hash per organisation (id -> entry), its log a list (newest first), the organisations with entries a set. */
export class RedisScams implements ScamRepository {
  constructor(private readonly redis: RedisRecords) {}

  add(entry: ScamEntry): Promise<boolean> {
    const args = [entry.id, JSON.stringify(entry), JSON.stringify(logOf(entry, 'add', entry.by, entry.at)), entry.org];
    return this.redis.run(async (c) => Number(await c.eval(ADD, { keys: [list(entry.org), log(entry.org), ORGS], arguments: args })) === 1);
  }

  remove(org: string, id: string, actor: string, at: string): Promise<ScamEntry | undefined> {
    return this.redis.run(async (c) => {
      const entry = (await c.eval(REMOVE, { keys: [list(org), log(org)], arguments: [id, at, actor] })) as string | null;
      return entry ? (JSON.parse(entry) as ScamEntry) : undefined;
    });
  }

  list(org?: string): Promise<ScamEntry[]> {
    return this.redis.run(async (c) => {
      const orgs = org ? [org] : await c.sMembers(ORGS);
      const hashes = await Promise.all(orgs.map((o) => c.hVals(list(o))));
      return hashes
        .flat()
        .map((v) => JSON.parse(v) as ScamEntry)
        .sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
    });
  }

  log(org: string): Promise<ScamLogEntry[]> {
    return this.redis.run(async (c) => (await c.lRange(log(org), 0, SCAM_LOG_SHOWN - 1)).map((v) => JSON.parse(v) as ScamLogEntry));
  }
}
