import { RECORDS_PREFIX as P, type RedisRecords } from '../redis.js';
import { exampleKey, type AddOutcome, type ExampleRepository, type TaughtExample } from './types.js';

/** The overlay on Redis: the examples by id, their ids by language and normalised text, the version, the dismissed groups. */
const EXAMPLES = `${P}examples`;
const BY_KEY = `${P}examples:by-text`;
const ORDER = `${P}examples:order`;
const VERSION = `${P}examples:version`;
const DISMISSED = `${P}examples:dismissed`;
const KEYS = [EXAMPLES, BY_KEY, ORDER, VERSION];

/** Checks for the same example and adds this one in one script: two instances never both add the same text. */
const ADD = `
local there = redis.call('HGET', KEYS[2], ARGV[2])
if there then return {0, redis.call('HGET', KEYS[1], there)} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[3], redis.call('INCR', KEYS[4]), ARGV[1])
return {1, ARGV[3]}`;

const REMOVE = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
local e = cjson.decode(v)
redis.call('HDEL', KEYS[2], e.lang .. '|' .. e.norm)
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('INCR', KEYS[4])
return v`;

const DISMISS = `if redis.call('SADD', KEYS[1], ARGV[1]) == 1 then redis.call('INCR', KEYS[2]) end return 1`;

export class RedisExamples implements ExampleRepository {
  constructor(private readonly redis: RedisRecords) {}

  add(e: TaughtExample): Promise<AddOutcome> {
    return this.redis.run(async (c) => {
      const [added, json] = (await c.eval(ADD, { keys: KEYS, arguments: [e.id, exampleKey(e), JSON.stringify(e)] })) as [number, string];
      const found = JSON.parse(json) as TaughtExample;
      if (Number(added) === 1) return { added: found };
      return found.intent === e.intent ? { existing: found } : { conflict: found };
    });
  }

  remove(id: string): Promise<TaughtExample | undefined> {
    return this.redis.run(async (c) => {
      const out = await c.eval(REMOVE, { keys: KEYS, arguments: [id] });
      return typeof out === 'string' ? (JSON.parse(out) as TaughtExample) : undefined;
    });
  }

  list(): Promise<TaughtExample[]> {
    return this.redis.run(async (c) => {
      const ids = await c.zRange(ORDER, 0, -1);
      if (ids.length === 0) return [];
      const values = await c.hmGet(EXAMPLES, ids);
      return values.filter((v): v is string => !!v).map((v) => JSON.parse(v) as TaughtExample);
    });
  }

  version(): Promise<number> {
    return this.redis.run(async (c) => Number((await c.get(VERSION)) ?? 0));
  }

  async dismiss(review: string): Promise<void> {
    await this.redis.run((c) => c.eval(DISMISS, { keys: [DISMISSED, VERSION], arguments: [review] }));
  }

  dismissed(): Promise<string[]> {
    return this.redis.run((c) => c.sMembers(DISMISSED));
  }
}
