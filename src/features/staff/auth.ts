import type { FastifyRequest } from 'fastify';
import { hasBearer } from '../../http/bearer.js';
import type { GetCore } from '../../http/require-core.js';
import type { FailureCount, StaffAccount, StaffStores } from '../../storage/index.js';
import { checkPassword, HashingBusy } from './passwords.js';
import { TOKEN_PRINCIPAL, type Principal } from './roles.js';
import type { Stores } from '../../storage/index.js';

declare module '../../http/require-core.js' {
  /** What these routes read of the bot. */
  interface CorePort {
    readonly stores: Stores;
  }
}

/** What a console session remembers: who logged in, with which password version, when. */
export interface StaffSessionData {
  username: string;
  version: number;
  since: number;
}

declare module 'fastify' {
  interface Session {
    staff?: StaffSessionData;
    _csrf?: string;
  }
  interface FastifyRequest {
    /** Who makes an admin request, once authenticated. */
    principal?: Principal;
  }
}

/** Five failed logins for one username from one address within 15 minutes, and the next ones wait. */
export const MAX_FAILURES = 5;
/** Ten failed logins from one address within 15 minutes, whatever the usernames, and the next ones wait. */
export const MAX_ADDRESS_FAILURES = 10;
export const FAILURE_WINDOW_MS = 15 * 60_000;

export const principalOf = (account: StaffAccount): Principal => ({
  actor: account.username,
  role: account.role,
  orgs: account.role === 'admin' ? 'all' : account.orgs,
  via: 'session',
});

export type LoginResult = { ok: true; account: StaffAccount } | { ok: false; retryAfterS?: number };

/**
 * A login: throttled per username and address, and per address across usernames (spraying one
 * password over many accounts); an unknown username is checked against a dummy hash and counted as
 * a failure too, so that it answers like a wrong password, in the same time. Each try is counted as
 * a failure before its password is checked, and taken back if it was right: tries made at once
 * cannot all pass a count that none of them has raised yet.
 */
export async function login(staff: StaffStores, username: string, password: string, ip: string): Promise<LoginResult> {
  // A username key always holds a '|' and an address never does: the two cannot meet.
  const mine = `${username}|${ip}`;
  const address = ip;
  const [byName, byAddress] = await Promise.all([staff.failures.fail(mine, FAILURE_WINDOW_MS), staff.failures.fail(address, FAILURE_WINDOW_MS)]);
  const over = [byName.count > MAX_FAILURES && byName, byAddress.count > MAX_ADDRESS_FAILURES && byAddress].filter((c): c is FailureCount => !!c);
  if (over.length > 0) return { ok: false, retryAfterS: Math.max(1, ...over.map((c) => Math.ceil(c.resetInMs / 1000))) };
  const account = await staff.accounts.get(username);
  const right = await checkPassword(account?.passwordHash, password).catch(async (err: unknown) => {
    // Not checked (too many waiting): no failure of this try's.
    if (err instanceof HashingBusy) await Promise.all([staff.failures.forgive(mine), staff.failures.forgive(address)]);
    throw err;
  });
  if (right) {
    await Promise.all([staff.failures.clear(mine), staff.failures.forgive(address)]);
    return { ok: true, account: account! };
  }
  return { ok: false };
}

export interface Authenticator {
  /** The Bearer token's principal, the session's, or undefined (then a 401). A session that has ended is destroyed. */
  (request: FastifyRequest): Promise<Principal | undefined>;
}

/**
 * Sessions end after STAFF_SESSION_HOURS from their login (not from their last request), and as
 * soon as their account is removed or its password changed: each request reads the account, so
 * a new role or organisations apply at once too.
 */
export function authenticator(getCore: GetCore, token: string | undefined, sessionHours: number): Authenticator {
  return async (request) => {
    if (token && hasBearer(request, token)) return TOKEN_PRINCIPAL;
    const data = request.session?.staff;
    if (!data) return undefined;
    const core = getCore();
    if (!core) throw Object.assign(new Error('The bot is still starting.'), { statusCode: 503 });
    const account = await core.stores.staff.accounts.get(data.username);
    const current = account && account.passwordVersion === data.version && Date.now() - data.since < sessionHours * 3_600_000;
    if (!current) {
      await request.session.destroy();
      return undefined;
    }
    return principalOf(account);
  };
}
