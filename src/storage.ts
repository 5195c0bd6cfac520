import Keyv from 'keyv';

export interface Stores {
  sessions: Keyv;
  subscriptions: Keyv;
  close(): Promise<void>;
}

/** The keyv stores the bot uses. In-process by default. */
export function createStores(): Stores {
  const sessions = new Keyv({ namespace: 'sessions' });
  const subscriptions = new Keyv({ namespace: 'subscriptions' });
  return {
    sessions,
    subscriptions,
    async close() {
      await Promise.all([sessions.disconnect(), subscriptions.disconnect()]);
    },
  };
}
