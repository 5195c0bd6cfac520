import type Database from 'better-sqlite3';
import { mergeRecord, type ServiceStatusRepository, type StoredServiceStatus } from './types.js';

const SCHEMA = 'CREATE TABLE IF NOT EXISTS service_status (service TEXT PRIMARY KEY, record TEXT NOT NULL) WITHOUT ROWID;';

/** A row per service in bot.sqlite; a change is read, merged and written in one immediate transaction. */
export class SqliteServiceStatus implements ServiceStatusRepository {
  private readonly read;
  private readonly merge;

  constructor(db: Database.Database) {
    db.exec(SCHEMA);
    const read = (this.read = db.prepare<[string], { record: string }>('SELECT record FROM service_status WHERE service = ?'));
    const write = db.prepare('INSERT INTO service_status (service, record) VALUES (?, ?) ON CONFLICT (service) DO UPDATE SET record = excluded.record');
    this.merge = db.transaction((service: string, change: StoredServiceStatus): StoredServiceStatus => {
      const row = read.get(service);
      const record = mergeRecord(row && JSON.parse(row.record), change);
      write.run(service, JSON.stringify(record));
      return record;
    });
  }

  async change(service: string, change: StoredServiceStatus): Promise<StoredServiceStatus> {
    return this.merge.immediate(service, change);
  }

  async all(services: string[]): Promise<Map<string, StoredServiceStatus>> {
    const out = new Map<string, StoredServiceStatus>();
    for (const service of services) {
      const row = this.read.get(service);
      if (row) out.set(service, JSON.parse(row.record));
    }
    return out;
  }
}
