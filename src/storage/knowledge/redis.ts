import { RECORDS_PREFIX as P, type RedisRecords } from '../redis.js';
import { draftSummary, type DraftSummary, type KnowledgeDraft, type KnowledgeLogEntry, type KnowledgeRepository, type KnowledgeVersion, type PublishOutcome, type VersionSummary } from './types.js';

/**
 * The versions on Redis (under the records' prefix, so in every backup): the head, each version's
 * facts and summary by number, the drafts by scope with their revisions, the log.
 */
const HEAD = `${P}knowledge:head`;
const FACTS = `${P}knowledge:versions`;
const SUMMARIES = `${P}knowledge:summaries`;
const DRAFTS = `${P}knowledge:drafts`;
const REVISIONS = `${P}knowledge:draft-revisions`;
const LOG = `${P}knowledge:log`;

/** The head check, the draft check, the version, the draft's removal and the log entry in one script: two instances never both publish version n. */
const PUBLISH = `
if tonumber(redis.call('GET', KEYS[1]) or '0') + 1 ~= tonumber(ARGV[1]) then return 'head-moved' end
if ARGV[5] ~= '' then
  if redis.call('HGET', KEYS[5], ARGV[5]) ~= ARGV[6] then return 'draft-changed' end
  redis.call('HDEL', KEYS[4], ARGV[5])
  redis.call('HDEL', KEYS[5], ARGV[5])
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
redis.call('SET', KEYS[1], ARGV[1])
redis.call('RPUSH', KEYS[6], ARGV[4])
return 'published'`;

const SAVE_DRAFT = `
if tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0') + 1 ~= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('RPUSH', KEYS[3], ARGV[4])
return 1`;

const DISCARD = `
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('RPUSH', KEYS[3], ARGV[2])
return 1`;

export class RedisKnowledge implements KnowledgeRepository {
  constructor(private readonly redis: RedisRecords) {}

  head(): Promise<number> {
    return this.redis.run(async (c) => Number((await c.get(HEAD)) ?? 0));
  }

  version(n: number): Promise<KnowledgeVersion | undefined> {
    return this.redis.run(async (c) => {
      const [summary, kb] = await Promise.all([c.hGet(SUMMARIES, String(n)), c.hGet(FACTS, String(n))]);
      return summary && kb ? { ...(JSON.parse(summary) as VersionSummary), kb: JSON.parse(kb) } : undefined;
    });
  }

  versions(from: number, to: number): Promise<VersionSummary[]> {
    if (to <= from) return Promise.resolve([]);
    const ns = Array.from({ length: to - from }, (_, i) => String(from + i + 1));
    return this.redis.run(async (c) => (await c.hmGet(SUMMARIES, ns)).filter((s): s is string => !!s).map((s) => JSON.parse(s) as VersionSummary));
  }

  publish(version: KnowledgeVersion, log: KnowledgeLogEntry, draft?: { scope: string; revision: number }): Promise<PublishOutcome> {
    const { kb, ...summary } = version;
    const args = [String(version.n), JSON.stringify(kb), JSON.stringify(summary), JSON.stringify(log), draft?.scope ?? '', String(draft?.revision ?? '')];
    return this.redis.run(async (c) => (await c.eval(PUBLISH, { keys: [HEAD, FACTS, SUMMARIES, DRAFTS, REVISIONS, LOG], arguments: args })) as PublishOutcome);
  }

  draft(scope: string): Promise<KnowledgeDraft | undefined> {
    return this.redis.run(async (c) => {
      const json = await c.hGet(DRAFTS, scope);
      return json ? (JSON.parse(json) as KnowledgeDraft) : undefined;
    });
  }

  drafts(): Promise<DraftSummary[]> {
    return this.redis.run(async (c) => {
      const all = Object.values(await c.hGetAll(DRAFTS)).map((s) => draftSummary(JSON.parse(s) as KnowledgeDraft));
      return all.sort((a, b) => a.scope.localeCompare(b.scope));
    });
  }

  saveDraft(draft: KnowledgeDraft, log: KnowledgeLogEntry): Promise<boolean> {
    const args = [draft.scope, String(draft.revision), JSON.stringify(draft), JSON.stringify(log)];
    return this.redis.run(async (c) => Number(await c.eval(SAVE_DRAFT, { keys: [DRAFTS, REVISIONS, LOG], arguments: args })) === 1);
  }

  discardDraft(scope: string, log: KnowledgeLogEntry): Promise<boolean> {
    return this.redis.run(async (c) => Number(await c.eval(DISCARD, { keys: [DRAFTS, REVISIONS, LOG], arguments: [scope, JSON.stringify(log)] })) === 1);
  }

  logSize(): Promise<number> {
    return this.redis.run((c) => c.lLen(LOG));
  }

  logRange(from: number, to: number): Promise<KnowledgeLogEntry[]> {
    if (to <= from) return Promise.resolve([]);
    return this.redis.run(async (c) => (await c.lRange(LOG, from, to - 1)).map((e) => JSON.parse(e) as KnowledgeLogEntry));
  }
}
