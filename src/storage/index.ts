import fs from 'node:fs';
import path from 'node:path';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import { createRequire } from 'node:module';
import type * as KeyvRedisModule from '@keyv/redis';
import type { RedisClientType } from '@keyv/redis';
import type { Config } from '../config.js';
import { FallbackStore } from './fallback-store.js';
import { StoreHealth, type FallbackEvents } from './health.js';
import { KeyvSqlite } from './keyv-sqlite.js';
import { WriteBehindStore } from './write-behind-store.js';
import { closeClient, RedisAudit, RedisInbox, RedisRecords, RedisStats, RedisStatus, RedisSubscriptions } from './redis.js';
import * as sqlite from './sqlite.js';
import { MemoryAudit, MemoryInbox, MemoryOutbox, MemoryStats, MemoryStatus, MemorySubscriptions } from './memory.js';
import { memoryStaff } from './staff/memory.js';
import { redisStaff } from './staff/redis.js';
import { sqliteStaff } from './staff/sqlite.js';
import type { StaffStores } from './staff/types.js';
import type { HandoffRepository } from './handoffs/types.js';
import { MemoryHandoffs } from './handoffs/memory.js';
import { SqliteHandoffs } from './handoffs/sqlite.js';
import { RedisHandoffs } from './handoffs/redis.js';
import { MemoryExamples } from './examples/memory.js';
import { RedisExamples } from './examples/redis.js';
import { SqliteExamples } from './examples/sqlite.js';
import type { ExampleRepository } from './examples/types.js';
import { MemoryNoticeLog } from './notice-log/memory.js';
import { RedisNoticeLog } from './notice-log/redis.js';
import { SqliteNoticeLog } from './notice-log/sqlite.js';
import type { NoticeLogRepository } from './notice-log/types.js';
import { MemoryKnowledge } from './knowledge/memory.js';
import { RedisKnowledge } from './knowledge/redis.js';
import { SqliteKnowledge } from './knowledge/sqlite.js';
import type { KnowledgeRepository } from './knowledge/types.js';
import { MemoryServiceStatus } from './service-status/memory.js';
import { RedisServiceStatus } from './service-status/redis.js';
import { SqliteServiceStatus } from './service-status/sqlite.js';
import type { ServiceStatusRepository } from './service-status/types.js';
import { MemoryCrisisNotices } from './crisis-notices/memory.js';
import { RedisCrisisNotices } from './crisis-notices/redis.js';
import { SqliteCrisisNotices } from './crisis-notices/sqlite.js';
import type { CrisisNoticeRepository } from './crisis-notices/types.js';
import { MemoryScams } from './scams/memory.js';
import { RedisScams } from './scams/redis.js';
import { SqliteScams } from './scams/sqlite.js';
import type { ScamRepository } from './scams/types.js';
import {
  retention,
  type AuditRepository,
  type InboxRepository,
  type OutboxRepository,
  type Retention,
  type StatsRepository,
  type StatusRepository,
  type SubscriptionRepository,
} from './types.js';

export { StoreUnavailableError, withinTime } from './errors.js';
export { closeClient } from './redis.js';
export type { FallbackEvents } from './health.js';
export * from './types.js';
export * from './staff/types.js';
export * from './handoffs/types.js';
export * from './examples/types.js';
export * from './notice-log/types.js';
export * from './knowledge/types.js';
export * from './service-status/types.js';
export * from './crisis-notices/types.js';
export * from './scams/types.js';

/** What the bot keeps: sessions in keyv (key-value with expiry), every other record in its repository. */
export interface Stores {
  kind: 'memory' | 'sqlite' | 'redis';
  sessions: Keyv;
  subscriptions: SubscriptionRepository;
  status: StatusRepository;
  /** The live state of services and channels (website, e-office, phone help…). */
  serviceStatus: ServiceStatusRepository;
  audit: AuditRepository;
  stats: StatsRepository;
  inbox: InboxRepository;
  /** Staff accounts, their sessions, failed logins, announcements. */
  staff: StaffStores;
  /** Hand-overs to staff: the conversations, their messages, the queue. */
  handoffs: HandoffRepository;
  /** The training overlay: examples staff taught, dismissed review groups. */
  examples: ExampleRepository;
  /** Who was told of each status change, for a while: an undo corrects exactly them. */
  noticeLog: NoticeLogRepository;
  /** The knowledge staff publish from the console: its versions, drafts and log. */
  knowledge: KnowledgeRepository;
  /** Each organisation's crisis notice in force, and who set or ended which. */
  crisisNotices: CrisisNoticeRepository;
  /** Known scam numbers, addresses and domains per organisation, listed by staff, and their log. */
  scams: ScamRepository;
  /** SQLite and memory: the notification outbox. With Redis the queue is BullMQ's, on `redisUrl`. */
  outbox?: OutboxRepository;
  redisUrl?: string;
  /** True while some part of the store cannot be reached. */
  readonly degraded: boolean;
  /**
   * After an erasure: what the store still holds of deleted records goes too (SQLite: the
   * write-ahead logs are checkpointed and truncated; the deleted rows were overwritten, secure_delete).
   */
  scrub(): Promise<void>;
  close(): Promise<void>;
}

type StoreConfig = Pick<Config, 'STORE' | 'DATA_DIR' | 'REDIS_URL'> & Partial<Pick<Config, 'STATS_TEXT_DAYS' | 'WEB_SUBSCRIPTION_DAYS' | 'HANDOFF_RETENTION_DAYS'>>;

/** The keyv namespace of the conversations (on Redis their keys start with `sessions:`). */
export const SESSIONS_NAMESPACE = 'sessions';

// Loaded only by the deployments that use them: the Redis client alone takes ~200 ms to import.
const require = createRequire(import.meta.url);

// Plain JSON: everything stored is plain data, and keyv's default serializer (which also
// handles Buffers and BigInts) showed up in the request profile.
const json = { serialize: JSON.stringify, deserialize: JSON.parse } as const;

function redisStores(config: StoreConfig, health: StoreHealth, r: Retention): Stores {
  if (!config.REDIS_URL) throw new Error('STORE=redis needs REDIS_URL');
  const { default: KeyvRedis, createClient } = require('@keyv/redis') as typeof KeyvRedisModule;
  // Fail fast instead of queueing commands while Redis is away: a write is refused, not kept in memory.
  const connect = () =>
    createClient({
      url: config.REDIS_URL,
      disableOfflineQueue: true,
      socket: { connectTimeout: 1000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000) },
    }).on('error', () => {}) as unknown as RedisClientType; // reported once through StoreHealth
  const sessionClient = connect();
  const sessions = new FallbackStore(
    new KeyvRedis(sessionClient as never, { throwOnErrors: true, throwOnConnectError: true }) as unknown as KeyvStoreAdapter,
    { onDegraded: (err) => health.failed('sessions', err), onRecovered: () => health.recovered('sessions') },
  );
  const client = connect();
  const connected = client.connect().then(
    () => {},
    () => {},
  );
  const records = new RedisRecords(client, health, connected);
  return {
    kind: 'redis',
    sessions: new Keyv({ store: sessions as unknown as KeyvStoreAdapter, namespace: SESSIONS_NAMESPACE, ...json }),
    subscriptions: new RedisSubscriptions(records, r),
    status: new RedisStatus(records),
    serviceStatus: new RedisServiceStatus(records),
    audit: new RedisAudit(records),
    stats: new RedisStats(records, r),
    inbox: new RedisInbox(records, r),
    staff: redisStaff(records),
    handoffs: new RedisHandoffs(records, r),
    examples: new RedisExamples(records),
    noticeLog: new RedisNoticeLog(records),
    knowledge: new RedisKnowledge(records),
    crisisNotices: new RedisCrisisNotices(records),
    scams: new RedisScams(records),
    redisUrl: config.REDIS_URL,
    get degraded() {
      return health.degraded;
    },
    async scrub() {},
    async close() {
      records.stop();
      await Promise.all([closeClient(sessionClient), closeClient(client)]);
    },
  };
}

function sqliteStores(config: StoreConfig, health: StoreHealth, r: Retention): Stores {
  fs.mkdirSync(config.DATA_DIR, { recursive: true });
  const file = path.resolve(config.DATA_DIR, 'bot.sqlite');
  const db = sqlite.openDatabase(file, r);
  // A file of its own, as in the releases before (its conversations are read as they were written).
  const store = new KeyvSqlite(path.resolve(config.DATA_DIR, 'sessions.sqlite'));
  // Sessions are read and written on every message: served from memory, written behind.
  const sessions = new WriteBehindStore(store);
  const inbox = new sqlite.SqliteInbox(db, r);
  return {
    kind: 'sqlite',
    // Kept as objects in memory: the write-behind store does the JSON.
    sessions: new Keyv({ store: sessions as unknown as KeyvStoreAdapter, namespace: SESSIONS_NAMESPACE, serialize: undefined, deserialize: undefined }),
    subscriptions: new sqlite.SqliteSubscriptions(db, r),
    status: new sqlite.SqliteStatus(db),
    serviceStatus: new SqliteServiceStatus(db),
    audit: new sqlite.SqliteAudit(db),
    stats: new sqlite.SqliteStats(db, r),
    inbox,
    staff: sqliteStaff(db),
    handoffs: new SqliteHandoffs(db, r),
    examples: new SqliteExamples(db),
    noticeLog: new SqliteNoticeLog(db, r.now),
    knowledge: new SqliteKnowledge(db),
    crisisNotices: new SqliteCrisisNotices(db),
    scams: new SqliteScams(db),
    outbox: new sqlite.SqliteOutbox(db, inbox, r.now),
    get degraded() {
      return health.degraded;
    },
    async scrub() {
      // A checkpoint that readers hold up copies what it can; the next erasure's takes the rest.
      db.pragma('wal_checkpoint(TRUNCATE)');
      store.checkpoint();
    },
    async close() {
      await sessions.disconnect();
      db.close();
    },
  };
}

function memoryStores(r: Retention): Stores {
  const subscriptions = new MemorySubscriptions(r);
  const inbox = new MemoryInbox(r);
  return {
    kind: 'memory',
    sessions: new Keyv({ store: new Map(), namespace: SESSIONS_NAMESPACE, ...json }),
    subscriptions,
    status: new MemoryStatus(),
    serviceStatus: new MemoryServiceStatus(),
    audit: new MemoryAudit(),
    stats: new MemoryStats(r),
    inbox,
    staff: memoryStaff(),
    handoffs: new MemoryHandoffs(r),
    examples: new MemoryExamples(),
    noticeLog: new MemoryNoticeLog(r.now),
    knowledge: new MemoryKnowledge(),
    crisisNotices: new MemoryCrisisNotices(),
    scams: new MemoryScams(),
    outbox: new MemoryOutbox(subscriptions, inbox),
    degraded: false,
    async scrub() {},
    async close() {},
  };
}

/**
 * The stores: in-process (STORE=memory), an SQLite file under DATA_DIR (the default, one
 * instance), or Redis (REDIS_URL) so that several instances behind a load balancer share everything.
 * @param now the clock retention counts by (tests move it)
 */
export function createStores(config: StoreConfig, events: FallbackEvents = { onDegraded: () => {}, onRecovered: () => {} }, now: () => number = Date.now): Stores {
  const health = new StoreHealth(events);
  const r = retention({ now, ...(config.STATS_TEXT_DAYS && { statsTextDays: config.STATS_TEXT_DAYS }), ...(config.WEB_SUBSCRIPTION_DAYS && { webSubscriptionDays: config.WEB_SUBSCRIPTION_DAYS }),
    ...(config.HANDOFF_RETENTION_DAYS && { handoffDays: config.HANDOFF_RETENTION_DAYS }),
  });
  if (config.STORE === 'redis') return redisStores(config, health, r);
  if (config.STORE === 'sqlite') return sqliteStores(config, health, r);
  return memoryStores(r);
}
