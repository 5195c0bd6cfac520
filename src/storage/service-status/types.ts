import { mergeChange, type ServiceChange } from '../../knowledge/knowledge.js';

/** A service's live state as staff left it: the knowledge base's values are the fallback. */
export type StoredServiceStatus = ServiceChange & { updatedAt: string; /** Who made the last change. */ updatedBy?: string };

/** The live state of services (their website, e-office, phone help…), like StatusRepository for offices. */
export interface ServiceStatusRepository {
  /** Merges the change into the service's record (fields not given are kept; notes per language), atomically. */
  change(service: string, change: StoredServiceStatus): Promise<StoredServiceStatus>;
  all(services: string[]): Promise<Map<string, StoredServiceStatus>>;
}

/** The merge every store makes: the change's fields win, the note and its stamps per language (as offices' records). */
export const mergeRecord = (previous: StoredServiceStatus | undefined, change: StoredServiceStatus): StoredServiceStatus => mergeChange(previous, change);
