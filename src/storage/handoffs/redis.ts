import type { RedisClientType } from '@keyv/redis';
import type { Address } from '../../domain/types.js';
import { RECORDS_PREFIX as P, type RedisRecords } from '../redis.js';
import { addressKey, type Retention } from '../types.js';
import { byActivity, handoffCutoff, type Handoff, type HandoffChange, type HandoffRepository, type HandoffStatus } from './types.js';

/**
 * A hand-over is one JSON value (`chatbot:handoff:<id>`), changed only inside Lua scripts; the
 * address's open one under `chatbot:handoff:open:<channel>:<id>`, a staff group's post under
 * `chatbot:handoff:post:<chat>:<message>`, all of them in the set `chatbot:handoffs` and the
 * address's in `chatbot:handoff:of:<channel>:<id>` (erasure), the closed ones by their end in
 * `chatbot:handoffs:closed` (retention).
 */
const record = (id: string) => `${P}handoff:${id}`;
const openKey = (address: Address) => `${P}handoff:open:${addressKey(address)}`;
const postKey = (post: string) => `${P}handoff:post:${post}`;
const ofKey = (address: Address) => `${P}handoff:of:${addressKey(address)}`;
const ALL = `${P}handoffs`;
const ENDED = `${P}handoffs:closed`;

/** Deletes one conversation (`p` the key prefix) with its posts, from every set that lists it. */
const DROP = `
local function drop(p, id)
  local v = redis.call('GET', p .. 'handoff:' .. id)
  if v then
    local h = cjson.decode(v)
    if type(h.posts) == 'table' then
      for _, post in ipairs(h.posts) do redis.call('DEL', p .. 'handoff:post:' .. post) end
    end
    redis.call('SREM', p .. 'handoff:of:' .. h.address.channel .. ':' .. h.address.id, id)
  end
  redis.call('DEL', p .. 'handoff:' .. id)
  redis.call('SREM', p .. 'handoffs', id)
  redis.call('ZREM', p .. 'handoffs:closed', id)
end`;

/** Deletes the conversations closed before ARGV[1] (ms): at most 1,000 a call. */
const PURGE = `${DROP}
local ended = redis.call('ZRANGE', KEYS[1], '-inf', ARGV[1], 'BYSCORE', 'LIMIT', 0, 1000)
for _, id in ipairs(ended) do drop(ARGV[2], id) end
return #ended`;

/** One open conversation per address: the one there already, or this one. */
const OPEN = `
local existing = redis.call('GET', KEYS[1])
if existing then
  local v = redis.call('GET', ARGV[3] .. 'handoff:' .. existing)
  if v then return {0, v} end
end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('SADD', KEYS[4], ARGV[1])
return {1, ARGV[2]}`;

/** Every conversation of one address (KEYS[1] its set, KEYS[2] its open one). */
const ERASE = `${DROP}
local ids = redis.call('SMEMBERS', KEYS[1])
for _, id in ipairs(ids) do drop(ARGV[1], id) end
redis.call('DEL', KEYS[1], KEYS[2])
return #ids`;

/** applyChange (types.ts) inside Redis: the record is read, changed and written by one script. */
const CHANGE = `
local v = redis.call('GET', KEYS[1])
if not v then return false end
local h = cjson.decode(v)
if h.status == 'closed' then return false end
if type(h.messages) ~= 'table' then h.messages = {} end
if type(h.posts) ~= 'table' then h.posts = {} end
local kind, at, p = ARGV[1], ARGV[3], ARGV[5]
if kind == 'append' then
  table.insert(h.messages, cjson.decode(ARGV[2]))
  h.activityAt = at
elseif kind == 'assign' then
  h.status = 'assigned'
  h.assignee = ARGV[2]
  h.activityAt = at
elseif kind == 'close' then
  h.status = 'closed'
  h.closedAt = at
  h.activityAt = at
  redis.call('DEL', p .. 'handoff:open:' .. h.address.channel .. ':' .. h.address.id)
  redis.call('ZADD', p .. 'handoffs:closed', ARGV[4], h.id)
elseif kind == 'told' then
  if h.status ~= 'waiting' or h.waitNoticeAt then return false end
  h.waitNoticeAt = at
elseif kind == 'post' then
  table.insert(h.posts, ARGV[2])
  redis.call('SET', p .. 'handoff:post:' .. ARGV[2], h.id)
end
local out = cjson.encode(h)
redis.call('SET', KEYS[1], out)
return out`;

/** Lua's JSON writes an empty list as {}: the lists are read back as lists whatever came. */
function parse(json: string): Handoff {
  const h = JSON.parse(json) as Handoff;
  return { ...h, messages: Array.isArray(h.messages) ? h.messages : [], posts: Array.isArray(h.posts) ? h.posts : [] };
}

export class RedisHandoffs implements HandoffRepository {
  constructor(
    private readonly redis: RedisRecords,
    private readonly retention: Retention,
  ) {}

  private purge(c: RedisClientType) {
    return c.eval(PURGE, { keys: [ENDED], arguments: [String(handoffCutoff(this.retention)), P] });
  }

  open(handoff: Handoff): Promise<{ handoff: Handoff; created: boolean }> {
    return this.redis.run(async (c) => {
      await this.purge(c);
      const [created, json] = (await c.eval(OPEN, { keys: [openKey(handoff.address), record(handoff.id), ALL, ofKey(handoff.address)], arguments: [handoff.id, JSON.stringify(handoff), P] })) as [number, string];
      return { handoff: parse(json), created: Number(created) === 1 };
    });
  }

  get(id: string): Promise<Handoff | undefined> {
    return this.redis.run(async (c) => {
      await this.purge(c);
      const v = await c.get(record(id));
      return v ? parse(v) : undefined;
    });
  }

  openFor(address: Address): Promise<Handoff | undefined> {
    return this.redis.run(async (c) => {
      const id = await c.get(openKey(address));
      const v = id ? await c.get(record(id)) : null;
      const h = v ? parse(v) : undefined;
      return h?.status === 'closed' ? undefined : h;
    });
  }

  list(statuses: readonly HandoffStatus[]): Promise<Handoff[]> {
    return this.redis.run(async (c) => {
      await this.purge(c);
      const ids = await c.sMembers(ALL);
      if (ids.length === 0) return [];
      const values = await c.mGet(ids.map(record));
      return values.flatMap((v) => (v ? [parse(v)] : [])).filter((h) => statuses.includes(h.status)).sort(byActivity);
    });
  }

  change(id: string, change: HandoffChange, at: string): Promise<Handoff | undefined> {
    const payload = change.kind === 'append' ? JSON.stringify(change.message) : change.kind === 'assign' ? change.by : change.kind === 'post' ? change.post : '';
    return this.redis.run(async (c) => {
      const out = await c.eval(CHANGE, { keys: [record(id)], arguments: [change.kind, payload, at, String(Date.parse(at)), P] });
      return typeof out === 'string' ? parse(out) : undefined;
    });
  }

  erase(address: Address): Promise<number> {
    return this.redis.run(async (c) => Number(await c.eval(ERASE, { keys: [ofKey(address), openKey(address)], arguments: [P] })));
  }

  byPost(post: string): Promise<string | undefined> {
    return this.redis.run(async (c) => {
      await this.purge(c);
      return (await c.get(postKey(post))) ?? undefined;
    });
  }
}
