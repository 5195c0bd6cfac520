import { RECORDS_PREFIX as P, type RedisRecords } from '../redis.js';
import { TOLD_KEPT_MS, WITHDRAWN_KEPT_MS, type NoticeLogRepository } from './types.js';

const told = (changeId: string) => `${P}notice:told:${changeId}`;
const withdrawn = (changeId: string) => `${P}notice:withdrawn:${changeId}`;

/** Checks the withdrawal and records the subscribers in one script: an undo on another instance sees either all or none of them. */
const TELL = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('SADD', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`;

/** The log on Redis: a set of who was told per change and a withdrawn marker, both expiring on their own. */
export class RedisNoticeLog implements NoticeLogRepository {
  constructor(private readonly redis: RedisRecords) {}

  async tell(changeId: string, addressKeys: string[]): Promise<boolean> {
    if (addressKeys.length === 0) return this.redis.run(async (c) => (await c.exists(withdrawn(changeId))) === 0);
    return this.redis.run(async (c) => Number(await c.eval(TELL, { keys: [told(changeId), withdrawn(changeId)], arguments: [String(TOLD_KEPT_MS), ...addressKeys] })) === 1);
  }

  withdraw(changeId: string): Promise<string[]> {
    return this.redis.run(async (c) => {
      const [, keys] = await c.multi().set(withdrawn(changeId), '1', { PX: WITHDRAWN_KEPT_MS }).sMembers(told(changeId)).exec();
      return keys as unknown as string[];
    });
  }
}
