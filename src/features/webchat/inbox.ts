import { STAFF_NOTICE, StoreUnavailableError, type InboxRepository } from '../../storage/index.js';

/** A notice for the widget: its text, and whether a staff member wrote it (the events stream marks those). */
export interface WebNotice {
  text: string;
  staff: boolean;
}

/** The web chat's reading of its sessions' inbox (status changes they subscribed to, staff replies); reading empties it. */
export function webInbox(inbox: InboxRepository) {
  /** @param gone true once the reader went away (an events stream that closed): what it took meanwhile goes back, for the next poll or stream. */
  const takeNotices = async (sessionId: string, gone: () => boolean = () => false): Promise<WebNotice[]> => {
    // While the store is away the notices stay there, for a later poll.
    const notices = await inbox.takeNotices(sessionId).catch((err: unknown) => {
      if (err instanceof StoreUnavailableError) return [];
      throw err;
    });
    if (notices.length && gone()) {
      // Under the same ids (their order, the staff mark): pushing one again is idempotent.
      for (const n of notices) await inbox.push(sessionId, n.id, n.text);
      return [];
    }
    return notices.map((n) => ({ text: n.text, staff: n.id.endsWith(STAFF_NOTICE) }));
  };
  return {
    takeNotices,
    /** The texts alone, as the poll returns them. */
    takeNotifications: async (sessionId: string): Promise<string[]> => (await takeNotices(sessionId)).map((n) => n.text),
  };
}
