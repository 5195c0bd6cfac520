import type { SessionStore } from '@fastify/session';
import type { StaffSessionRepository } from '../../storage/index.js';

/** Why a session cannot be read while the bot starts: fastify's error handler answers 503. */
class Starting extends Error {
  readonly statusCode = 503;
  constructor() {
    super('The bot is still starting.');
  }
}

/**
 * @fastify/session's store on the configured store (memory, bot.sqlite, Redis): instances on one
 * Redis share their sessions, and a record expires with its cookie.
 */
export function sessionStore(repository: () => StaffSessionRepository | undefined, fallbackTtlMs: number): SessionStore {
  const repo = () => {
    const r = repository();
    if (!r) throw new Starting();
    return r;
  };
  const run = (op: () => Promise<unknown>, callback: (err?: unknown, value?: unknown) => void) => {
    let pending: Promise<unknown>;
    try {
      pending = op();
    } catch (err) {
      return callback(err);
    }
    pending.then((value) => callback(null, value), (err) => callback(err));
  };
  return {
    get: (id, callback) => run(async () => {
      const data = await repo().get(id);
      return data ? JSON.parse(data) : null;
    }, callback as never),
    set: (id, session, callback) =>
      run(async () => {
        const expires = session.cookie?.expires ? new Date(session.cookie.expires).getTime() - Date.now() : fallbackTtlMs;
        await repo().set(id, JSON.stringify(session), expires);
      }, callback as never),
    destroy: (id, callback) => run(() => repo().destroy(id), callback as never),
  };
}
