/**
 * Known scam contacts per organisation, listed by its staff (README, "Verified contacts"): phone
 * numbers (E.164), email addresses and domains that pretend to be the organisation. The bot warns
 * of them by name. Every addition and removal is logged with who and when, in the same atomic
 * step as the change itself.
 */
export const SCAM_KINDS = ['phone', 'email', 'domain'] as const;
export type ScamKind = (typeof SCAM_KINDS)[number];

export interface ScamEntry {
  /** Derived from the organisation, kind and value: the same contact listed twice is one entry. */
  id: string;
  org: string;
  kind: ScamKind;
  /** The canonical form the bot compares: E.164, a lowercase address, a lowercase host name. */
  value: string;
  /** As staff wrote it (shown in the console). */
  written: string;
  /** Who listed it (a username, or api-token) and when. */
  by: string;
  at: string;
}

export interface ScamLogEntry {
  at: string;
  actor: string;
  action: 'add' | 'remove';
  org: string;
  kind: ScamKind;
  value: string;
}

/** How many log entries a list of an organisation returns (the newest). */
export const SCAM_LOG_SHOWN = 100;

export interface ScamRepository {
  /** Lists it and logs it, atomically; false (and nothing logged) when it is listed already. */
  add(entry: ScamEntry): Promise<boolean>;
  /** Removes it and logs it, atomically; undefined (and nothing logged) when there is no such entry. */
  remove(org: string, id: string, actor: string, at: string): Promise<ScamEntry | undefined>;
  /** An organisation's entries, oldest first; without `org`, every organisation's. */
  list(org?: string): Promise<ScamEntry[]>;
  /** An organisation's latest log entries (at most SCAM_LOG_SHOWN), newest first. */
  log(org: string): Promise<ScamLogEntry[]>;
}

export const logOf = (e: ScamEntry, action: ScamLogEntry['action'], actor: string, at: string): ScamLogEntry => ({ at, actor, action, org: e.org, kind: e.kind, value: e.value });
