import type Database from 'better-sqlite3';
import { logOf, SCAM_LOG_SHOWN, type ScamEntry, type ScamLogEntry, type ScamRepository } from './types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS scams (org TEXT NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, written TEXT NOT NULL, by TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (org, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS scam_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, org TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS scam_log_by_org ON scam_log (org, seq);
`;

/** The list in bot.sqlite: a change and its log entry in one transaction. */
export class SqliteScams implements ScamRepository {
  private readonly addTx;
  private readonly removeTx;
  private readonly all;
  private readonly ofOrg;
  private readonly logOfOrg;

  constructor(db: Database.Database) {
    db.exec(SCHEMA);
    const insert = db.prepare('INSERT INTO scams (org, id, kind, value, written, by, at) VALUES (@org, @id, @kind, @value, @written, @by, @at) ON CONFLICT DO NOTHING');
    const append = db.prepare('INSERT INTO scam_log (org, at, actor, action, kind, value) VALUES (@org, @at, @actor, @action, @kind, @value)');
    const one = db.prepare<[string, string], ScamEntry>('SELECT org, id, kind, value, written, by, at FROM scams WHERE org = ? AND id = ?');
    const drop = db.prepare('DELETE FROM scams WHERE org = ? AND id = ?');
    this.all = db.prepare<[], ScamEntry>('SELECT org, id, kind, value, written, by, at FROM scams ORDER BY at, id');
    this.ofOrg = db.prepare<[string], ScamEntry>('SELECT org, id, kind, value, written, by, at FROM scams WHERE org = ? ORDER BY at, id');
    this.logOfOrg = db.prepare<[string, number], ScamLogEntry>('SELECT at, actor, action, org, kind, value FROM scam_log WHERE org = ? ORDER BY seq DESC LIMIT ?');
    this.addTx = db.transaction((entry: ScamEntry): boolean => {
      if (insert.run(entry).changes === 0) return false;
      append.run(logOf(entry, 'add', entry.by, entry.at));
      return true;
    });
    this.removeTx = db.transaction((org: string, id: string, actor: string, at: string): ScamEntry | undefined => {
      const entry = one.get(org, id);
      if (!entry) return undefined;
      drop.run(org, id);
      append.run(logOf(entry, 'remove', actor, at));
      return entry;
    });
  }

  async add(entry: ScamEntry): Promise<boolean> {
    return this.addTx.immediate(entry);
  }

  async remove(org: string, id: string, actor: string, at: string): Promise<ScamEntry | undefined> {
    return this.removeTx.immediate(org, id, actor, at);
  }

  async list(org?: string): Promise<ScamEntry[]> {
    return org ? this.ofOrg.all(org) : this.all.all();
  }

  async log(org: string): Promise<ScamLogEntry[]> {
    return this.logOfOrg.all(org, SCAM_LOG_SHOWN);
  }
}
