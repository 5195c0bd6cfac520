import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import type { ChatCore } from '../../src/app/chat-core.js';
import { startApp } from './helpers.js';
import { startRedis, type RedisServer } from './redis-server.js';

export interface Instance {
  bot: ChatCore;
  app: FastifyInstance;
}

export interface SharedRedis {
  /** The instances in the order started: filled before the file's tests run; a test may start more. */
  readonly instances: Instance[];
  /** The redis-server, once the file's beforeAll has started it. */
  readonly redis: RedisServer;
  /** One more instance with exactly this environment (STORE and REDIS_URL included, for the shared server), closed after the file. */
  start(env: Record<string, string>): Promise<Instance>;
}

/**
 * Instances of the app sharing one real redis-server, as behind a load balancer. Registers the file's
 * hooks: before its tests a redis-server and `count` instances with `env` on it; after them every
 * instance still in `instances` (app, then core), then the server.
 */
export function onOneRedis(env: Record<string, string>, { count = 2, timeout }: { count?: number; timeout?: number } = {}): SharedRedis {
  const instances: Instance[] = [];
  let redis: RedisServer | undefined;
  const start = async (instanceEnv: Record<string, string>) => {
    const instance = await startApp(instanceEnv);
    instances.push(instance);
    return instance;
  };
  beforeAll(async () => {
    redis = await startRedis();
    for (let i = 0; i < count; i++) await start({ ...env, STORE: 'redis', REDIS_URL: redis.url });
  }, timeout);
  afterAll(async () => {
    for (const { bot, app } of instances) {
      await app.close();
      await bot.close();
    }
    await redis?.stop();
  });
  return {
    instances,
    get redis() {
      if (!redis) throw new Error('the redis-server starts in beforeAll');
      return redis;
    },
    start,
  };
}
