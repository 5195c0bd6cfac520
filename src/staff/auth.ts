import type { FastifyRequest } from 'fastify';
import { hasBearer } from '../http/bearer.js';
import type { GetCore } from '../http/require-core.js';
import type { StaffAccount, StaffStores } from '../storage/index.js';
import { checkPassword } from './passwords.js';
import { TOKEN_PRINCIPAL, type Principal } from './roles.js';

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
export const FAILURE_WINDOW_MS = 15 * 60_000;

export const principalOf = (account: StaffAccount): Principal => ({
  actor: account.username,
  role: account.role,
  orgs: account.role === 'admin' ? 'all' : account.orgs,
  via: 'session',
});

export type LoginResult = { ok: true; account: StaffAccount } | { ok: false; retryAfterS?: number };

/**
 * A login: throttled per username and address; an unknown username is checked against a dummy
 * hash and counted as a failure too, so that it answers like a wrong password, in the same time.
 */
export async function login(staff: StaffStores, username: string, password: string, ip: string): Promise<LoginResult> {
  const key = `${username}|${ip}`;
  const before = await staff.failures.count(key);
  if (before.count >= MAX_FAILURES) return { ok: false, retryAfterS: Math.max(1, Math.ceil(before.resetInMs / 1000)) };
  const account = await staff.accounts.get(username);
  if (await checkPassword(account?.passwordHash, password)) {
    await staff.failures.clear(key);
    return { ok: true, account: account! };
  }
  await staff.failures.fail(key, FAILURE_WINDOW_MS);
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
