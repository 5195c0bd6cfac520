import type Database from 'better-sqlite3';
import { TOLD_KEPT_MS, WITHDRAWN_KEPT_MS, type NoticeLogRepository } from './types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS notice_told (change_id TEXT NOT NULL, address TEXT NOT NULL, until INTEGER NOT NULL, PRIMARY KEY (change_id, address)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS notice_withdrawn (change_id TEXT PRIMARY KEY, until INTEGER NOT NULL) WITHOUT ROWID;
`;

/** How often rows past their time are deleted (by the next operation after it). */
const PURGE_EVERY_MS = 60_000;

/** The log in bot.sqlite: each operation one transaction; rows past their time are deleted once a minute at most. */
export class SqliteNoticeLog implements NoticeLogRepository {
  private readonly tellTx;
  private readonly withdrawTx;
  private purgedAt = 0;

  constructor(db: Database.Database, now: () => number = Date.now) {
    db.exec(SCHEMA);
    const isWithdrawn = db.prepare<[string, number], { one: number }>('SELECT 1 AS one FROM notice_withdrawn WHERE change_id = ? AND until > ?');
    const record = db.prepare('INSERT INTO notice_told (change_id, address, until) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET until = excluded.until');
    const withdraw = db.prepare('INSERT INTO notice_withdrawn (change_id, until) VALUES (?, ?) ON CONFLICT DO UPDATE SET until = excluded.until');
    const toldOf = db.prepare<[string, number], { address: string }>('SELECT address FROM notice_told WHERE change_id = ? AND until > ?');
    const purgeTold = db.prepare('DELETE FROM notice_told WHERE until <= ?');
    const purgeWithdrawn = db.prepare('DELETE FROM notice_withdrawn WHERE until <= ?');
    const purge = (at: number) => {
      if (at - this.purgedAt < PURGE_EVERY_MS) return;
      this.purgedAt = at;
      purgeTold.run(at);
      purgeWithdrawn.run(at);
    };
    this.tellTx = db.transaction((changeId: string, keys: string[]): boolean => {
      const at = now();
      purge(at);
      if (isWithdrawn.get(changeId, at)) return false;
      for (const key of keys) record.run(changeId, key, at + TOLD_KEPT_MS);
      return true;
    });
    this.withdrawTx = db.transaction((changeId: string): string[] => {
      const at = now();
      purge(at);
      withdraw.run(changeId, at + WITHDRAWN_KEPT_MS);
      return toldOf.all(changeId, at).map((r) => r.address);
    });
  }

  async tell(changeId: string, addressKeys: string[]): Promise<boolean> {
    return this.tellTx.immediate(changeId, addressKeys);
  }

  async withdraw(changeId: string): Promise<string[]> {
    return this.withdrawTx.immediate(changeId);
  }
}
