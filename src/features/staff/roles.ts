import { ROLES, type Role } from '../../storage/index.js';

export { ROLES, type Role };

/**
 * What each role may do on the admin API. Each route names the one permission it needs
 * (`config.permission`); a route naming none is refused to all but admins and the token.
 */
export const PERMISSIONS = {
  /** The status board and subscriber counts of its organisations. */
  board: ['admin', 'editor', 'viewer'],
  /** Statistics of its organisations. */
  insights: ['admin', 'editor', 'viewer'],
  /** Status changes and the audit log of its organisations. */
  status: ['admin', 'editor'],
  announce: ['admin', 'editor'],
  /** Hand-overs to staff of its organisations: the queue, replies, closing. */
  handoff: ['admin', 'editor'],
  /** The review list and the taught examples of its organisations: teaching, dismissing, undoing. */
  teach: ['admin', 'editor'],
  /** The facts the bot gives of its organisations (contacts, offices, services, procedures): drafts, preview, publication, history, rollback. */
  knowledge: ['admin', 'editor'],
  /** Staff accounts and the knowledge reload (every organisation at once). */
  manage: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** Who makes a request: the Bearer token (full access), or a staff member through a console session. */
export interface Principal {
  /** The name the audit log records: the username, or `api-token`. */
  actor: string;
  role: Role;
  /** 'all' for admins and the token. */
  orgs: string[] | 'all';
  via: 'token' | 'session';
}

export const TOKEN_PRINCIPAL: Principal = { actor: 'api-token', role: 'admin', orgs: 'all', via: 'token' };

export const may = (p: Principal, permission: Permission): boolean => (PERMISSIONS[permission] as readonly Role[]).includes(p.role);

export const inScope = (p: Principal, org: string | undefined): boolean => p.orgs === 'all' || (!!org && p.orgs.includes(org));
