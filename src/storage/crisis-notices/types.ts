import type { Written } from '../../knowledge/freshness.js';
import type { Text } from '../../knowledge/schema.js';

/**
 * An organisation's crisis notice: a text in one or more languages that opens each new
 * conversation about it, shows as the widget's banner and on Telegram's /start, until `until`.
 */
export interface CrisisNotice {
  /** A new one each time it is set: a conversation shown an earlier version is shown this one too. */
  id: string;
  org: string;
  text: Text;
  /** When each language was last written (src/knowledge/freshness.ts). */
  written: Written;
  /** When it ends by itself (ISO, with its offset as given). */
  until: string;
  at: string;
  by: string;
}

/** A line of the notices' log: who set or ended which organisation's notice, and what it said before and after. */
export interface CrisisNoticeLogEntry {
  at: string;
  org: string;
  actor: string;
  action: 'set' | 'end';
  before?: Pick<CrisisNotice, 'id' | 'text' | 'until'>;
  after?: Pick<CrisisNotice, 'id' | 'text' | 'until'>;
}

/** The notices in force (one per organisation at most) and their log; each change and its log line are one atomic write. */
export interface CrisisNoticeRepository {
  /** Puts the organisation's notice in place of the one before, and logs it; returns the one before. */
  set(notice: CrisisNotice, entry: Omit<CrisisNoticeLogEntry, 'before'>): Promise<CrisisNotice | undefined>;
  /** Removes the organisation's notice and logs it; undefined (and nothing logged) when it had none. */
  end(org: string, entry: Omit<CrisisNoticeLogEntry, 'before'>): Promise<CrisisNotice | undefined>;
  /** The notices kept (those past their `until` too: the service leaves them out). */
  all(): Promise<CrisisNotice[]>;
  size(): Promise<number>;
  /** Log entries at positions from..to-1 (0 the oldest), oldest first. */
  range(from: number, to: number): Promise<CrisisNoticeLogEntry[]>;
}

export const snapshot = (n: CrisisNotice | undefined) => n && { id: n.id, text: n.text, until: n.until };
