import { mergeRecord, type ServiceStatusRepository, type StoredServiceStatus } from './types.js';

export class MemoryServiceStatus implements ServiceStatusRepository {
  private records = new Map<string, StoredServiceStatus>();

  async change(service: string, change: StoredServiceStatus): Promise<StoredServiceStatus> {
    const record = mergeRecord(this.records.get(service), change);
    this.records.set(service, record);
    return record;
  }

  async all(services: string[]): Promise<Map<string, StoredServiceStatus>> {
    return new Map(services.flatMap((s) => (this.records.has(s) ? [[s, this.records.get(s)!] as const] : [])));
  }
}
