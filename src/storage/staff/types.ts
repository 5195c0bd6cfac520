import type { Lang, Text } from '../../knowledge/schema.js';

/**
 * What the staff console keeps, one repository per kind of record, atomic on every store like the
 * bot's own: accounts, their browser sessions, failed logins, announcements. SQLite tables live in
 * bot.sqlite, Redis keys under the bot's prefix (a backup of either holds them).
 */

export const ROLES = ['admin', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface StaffAccount {
  username: string;
  role: Role;
  /** Organisation ids; an admin's are ignored (every organisation). */
  orgs: string[];
  /** The console's language; unset: the browser's. */
  lang?: Lang;
  /** argon2id, with its parameters and salt (the PHC string). Never leaves the server. */
  passwordHash: string;
  /** Goes up with each new password: a session opened before it ends. */
  passwordVersion: number;
  createdAt: string;
  updatedAt: string;
}

export type AccountChange = Partial<Pick<StaffAccount, 'role' | 'orgs' | 'lang' | 'passwordHash'>>;

export interface StaffAccountRepository {
  /** False when the username is taken (nothing is changed then). */
  create(account: StaffAccount): Promise<boolean>;
  get(username: string): Promise<StaffAccount | undefined>;
  list(): Promise<StaffAccount[]>;
  /** Changes the fields given (a new passwordHash also raises passwordVersion); undefined when there is no such account. */
  update(username: string, change: AccountChange, at: string): Promise<StaffAccount | undefined>;
  remove(username: string): Promise<boolean>;
}

/** Browser sessions (@fastify/session's records), each with its own expiry. */
export interface StaffSessionRepository {
  get(id: string): Promise<string | undefined>;
  set(id: string, data: string, ttlMs: number): Promise<void>;
  destroy(id: string): Promise<void>;
}

export interface FailureCount {
  count: number;
  /** Milliseconds until the window closes and the count starts again. */
  resetInMs: number;
}

/** Failed logins per key (username and address, or address alone) in a fixed window that opens with the first failure. */
export interface LoginFailureRepository {
  /** Counts one more failure, atomically: the count after it. */
  fail(key: string, windowMs: number): Promise<FailureCount>;
  clear(key: string): Promise<void>;
  /** Takes one failure back (a try counted before its password was checked, which was right); never below 0. */
  forgive(key: string): Promise<void>;
}

export interface Announcement {
  id: string;
  at: string;
  /** Who sent it: a username, or api-token. */
  by: string;
  org: string;
  /** Set when it went to one office's subscribers; unset, to the whole organisation's. */
  office?: string;
  texts: Text;
  /** When each language was last written in the console's form (a language written before another's last change is sent as that one, marked). */
  written?: Record<string, string>;
  /** Subscribers it was queued for. */
  recipients: number;
  /** Deliveries made (Telegram messages sent, web notices written). */
  reached: number;
}

export interface AnnouncementRepository {
  add(announcement: Announcement): Promise<void>;
  /** Newest first. */
  list(): Promise<Announcement[]>;
  size(): Promise<number>;
  /** The announcements at positions from..to-1 (0 the oldest), oldest first. */
  range(from: number, to: number): Promise<Announcement[]>;
  /** Counts deliveries made; an id that is no announcement is ignored. */
  reached(id: string, n: number): Promise<void>;
}

export interface StaffStores {
  accounts: StaffAccountRepository;
  sessions: StaffSessionRepository;
  failures: LoginFailureRepository;
  announcements: AnnouncementRepository;
}
