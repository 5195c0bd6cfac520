import { STAFF_NOTICE, StoreUnavailableError, type InboxRepository } from '../../storage/index.js';

/** A notice for the widget: its text, and whether a staff member wrote it (the events stream marks those). */
export interface WebNotice {
  text: string;
  staff: boolean;
}

/** The web chat's reading of its sessions' inbox (status changes they subscribed to, staff replies); reading empties it. */
export function webInbox(inbox: InboxRepository) {
  const takeNotices = async (sessionId: string): Promise<WebNotice[]> => {
    // While the store is away the notices stay there, for a later poll.
    const notices = await inbox.takeNotices(sessionId).catch((err: unknown) => {
      if (err instanceof StoreUnavailableError) return [];
      throw err;
    });
    return notices.map((n) => ({ text: n.text, staff: n.id.endsWith(STAFF_NOTICE) }));
  };
  return {
    takeNotices,
    /** The texts alone, as the poll returns them. */
    takeNotifications: async (sessionId: string): Promise<string[]> => (await takeNotices(sessionId)).map((n) => n.text),
  };
}
