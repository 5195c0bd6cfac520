import { RECORDS_PREFIX as P, type RedisRecords } from '../redis.js';
import type { ServiceStatusRepository, StoredServiceStatus } from './types.js';

const key = (service: string) => `${P}service-status:${service}`;

/** A service's live state as a hash (status, expected, updatedAt, updatedBy, note.<lang>, written.<lang>): a change is one HSET of its fields, read back in the same MULTI. */
export class RedisServiceStatus implements ServiceStatusRepository {
  constructor(private readonly redis: RedisRecords) {}

  change(service: string, change: StoredServiceStatus): Promise<StoredServiceStatus> {
    return this.redis.run(async (c) => {
      const [, record] = await c.multi().hSet(key(service), toHash(change)).hGetAll(key(service)).exec();
      return fromHash(record as unknown as Record<string, string>);
    });
  }

  all(services: string[]): Promise<Map<string, StoredServiceStatus>> {
    return this.redis.run(async (c) => {
      const tx = c.multi();
      for (const s of services) tx.hGetAll(key(s));
      const records = (await tx.exec()) as unknown as Record<string, string>[];
      return new Map(services.flatMap((s, i) => (Object.keys(records[i] ?? {}).length ? [[s, fromHash(records[i])] as const] : [])));
    });
  }
}

function toHash(change: StoredServiceStatus): Record<string, string> {
  const fields: Record<string, string> = { updatedAt: change.updatedAt };
  if (change.updatedBy) fields.updatedBy = change.updatedBy;
  if (change.status) fields.status = change.status;
  if (change.expected !== undefined) fields.expected = change.expected;
  for (const [lang, text] of Object.entries(change.note ?? {})) if (text !== undefined) fields[`note.${lang}`] = text;
  for (const [lang, at] of Object.entries(change.noteWritten ?? {})) fields[`written.${lang}`] = at;
  return fields;
}

function fromHash(hash: Record<string, string>): StoredServiceStatus {
  const out: StoredServiceStatus = { updatedAt: hash.updatedAt };
  if (hash.updatedBy) out.updatedBy = hash.updatedBy;
  if (hash.status) out.status = hash.status as StoredServiceStatus['status'];
  if (hash.expected !== undefined) out.expected = hash.expected;
  for (const [field, text] of Object.entries(hash)) if (field.startsWith('note.')) out.note = { ...out.note, [field.slice(5)]: text };
  for (const [field, at] of Object.entries(hash)) if (field.startsWith('written.')) out.noteWritten = { ...out.noteWritten, [field.slice(8)]: at };
  return out;
}
