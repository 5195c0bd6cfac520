import type Database from 'better-sqlite3';
import { snapshot, type CrisisNotice, type CrisisNoticeLogEntry, type CrisisNoticeRepository } from './types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS crisis_notices (org TEXT PRIMARY KEY, notice TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS crisis_notice_log (id INTEGER PRIMARY KEY AUTOINCREMENT, entry TEXT NOT NULL);
`;

/** The notices in bot.sqlite: a row per organisation, and the log; a change and its log line in one transaction. */
export class SqliteCrisisNotices implements CrisisNoticeRepository {
  private readonly setTx;
  private readonly endTx;
  private readonly select;
  private readonly count;
  private readonly slice;

  constructor(db: Database.Database) {
    db.exec(SCHEMA);
    const read = db.prepare<[string], { notice: string }>('SELECT notice FROM crisis_notices WHERE org = ?');
    const write = db.prepare('INSERT INTO crisis_notices (org, notice) VALUES (?, ?) ON CONFLICT (org) DO UPDATE SET notice = excluded.notice');
    const remove = db.prepare('DELETE FROM crisis_notices WHERE org = ?');
    const log = db.prepare('INSERT INTO crisis_notice_log (entry) VALUES (?)');
    const previous = (org: string): CrisisNotice | undefined => {
      const row = read.get(org);
      return row && JSON.parse(row.notice);
    };
    this.setTx = db.transaction((notice: CrisisNotice, entry: Omit<CrisisNoticeLogEntry, 'before'>) => {
      const before = previous(notice.org);
      write.run(notice.org, JSON.stringify(notice));
      log.run(JSON.stringify({ ...entry, ...(before ? { before: snapshot(before) } : {}) }));
      return before;
    });
    this.endTx = db.transaction((org: string, entry: Omit<CrisisNoticeLogEntry, 'before'>) => {
      const before = previous(org);
      if (!before) return undefined;
      remove.run(org);
      log.run(JSON.stringify({ ...entry, before: snapshot(before) }));
      return before;
    });
    this.select = db.prepare<[], { notice: string }>('SELECT notice FROM crisis_notices ORDER BY org');
    this.count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM crisis_notice_log');
    this.slice = db.prepare<[number, number], { entry: string }>('SELECT entry FROM crisis_notice_log ORDER BY id LIMIT ? OFFSET ?');
  }

  async set(notice: CrisisNotice, entry: Omit<CrisisNoticeLogEntry, 'before'>): Promise<CrisisNotice | undefined> {
    return this.setTx.immediate(notice, entry);
  }

  async end(org: string, entry: Omit<CrisisNoticeLogEntry, 'before'>): Promise<CrisisNotice | undefined> {
    return this.endTx.immediate(org, entry);
  }

  async all(): Promise<CrisisNotice[]> {
    return this.select.all().map((r) => JSON.parse(r.notice));
  }

  async size(): Promise<number> {
    return this.count.get()!.n;
  }

  async range(from: number, to: number): Promise<CrisisNoticeLogEntry[]> {
    if (to <= from) return [];
    return this.slice.all(to - from, from).map((r) => JSON.parse(r.entry));
  }
}
