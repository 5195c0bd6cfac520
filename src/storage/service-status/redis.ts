import { changeLive, liveRecords, RECORDS_PREFIX as P, type RedisRecords } from '../redis.js';
import type { ServiceStatusRepository, StoredServiceStatus } from './types.js';

const key = (service: string) => `${P}service-status:${service}`;

/** A service's live state as a hash (status, expected, updatedAt, updatedBy, note.<lang>, written.<lang>): a change is one HSET of its fields, read back in the same MULTI. */
export class RedisServiceStatus implements ServiceStatusRepository {
  constructor(private readonly redis: RedisRecords) {}

  change(service: string, change: StoredServiceStatus): Promise<StoredServiceStatus> {
    return changeLive(this.redis, key(service), change, 'expected');
  }

  all(services: string[]): Promise<Map<string, StoredServiceStatus>> {
    return liveRecords(this.redis, services, key, 'expected');
  }
}
