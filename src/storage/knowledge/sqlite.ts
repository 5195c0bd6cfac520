import type Database from 'better-sqlite3';
import { draftSummary, type DraftSummary, type KnowledgeDraft, type KnowledgeLogEntry, type KnowledgeRepository, type KnowledgeVersion, type PublishOutcome, type VersionSummary } from './types.js';

/** The versions, drafts and log in bot.sqlite (so in every backup); the head is the highest version. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS knowledge_versions (n INTEGER PRIMARY KEY, summary TEXT NOT NULL, kb TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS knowledge_drafts (scope TEXT PRIMARY KEY, revision INTEGER NOT NULL, record TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS knowledge_log (id INTEGER PRIMARY KEY AUTOINCREMENT, entry TEXT NOT NULL);
`;

export class SqliteKnowledge implements KnowledgeRepository {
  private readonly headOf;
  private readonly one;
  private readonly some;
  private readonly logCount;
  private readonly draftOf;
  private readonly allDrafts;
  private readonly entries;
  private readonly publishTx;
  private readonly saveTx;
  private readonly discardTx;

  constructor(db: Database.Database) {
    db.exec(SCHEMA);
    this.headOf = db.prepare<[], { n: number | null }>('SELECT MAX(n) AS n FROM knowledge_versions');
    this.one = db.prepare<[number], { summary: string; kb: string }>('SELECT summary, kb FROM knowledge_versions WHERE n = ?');
    this.some = db.prepare<[number, number], { summary: string }>('SELECT summary FROM knowledge_versions WHERE n > ? AND n <= ? ORDER BY n');
    this.draftOf = db.prepare<[string], { revision: number; record: string }>('SELECT revision, record FROM knowledge_drafts WHERE scope = ?');
    this.allDrafts = db.prepare<[], { record: string }>('SELECT record FROM knowledge_drafts ORDER BY scope');
    this.logCount = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM knowledge_log');
    this.entries = db.prepare<[number, number], { entry: string }>('SELECT entry FROM knowledge_log ORDER BY id LIMIT ? OFFSET ?');
    const insert = db.prepare('INSERT INTO knowledge_versions (n, summary, kb) VALUES (?, ?, ?)');
    const putDraft = db.prepare('INSERT OR REPLACE INTO knowledge_drafts (scope, revision, record) VALUES (?, ?, ?)');
    const dropDraft = db.prepare('DELETE FROM knowledge_drafts WHERE scope = ?');
    const append = db.prepare('INSERT INTO knowledge_log (entry) VALUES (?)');
    // One transaction each: the check, the write and the log entry together.
    this.publishTx = db.transaction((v: KnowledgeVersion, log: KnowledgeLogEntry, draft?: { scope: string; revision: number }): PublishOutcome => {
      if (v.n !== (this.headOf.get()?.n ?? 0) + 1) return 'head-moved';
      if (draft) {
        if (this.draftOf.get(draft.scope)?.revision !== draft.revision) return 'draft-changed';
        dropDraft.run(draft.scope);
      }
      const { kb, ...summary } = v;
      insert.run(v.n, JSON.stringify(summary), JSON.stringify(kb));
      append.run(JSON.stringify(log));
      return 'published';
    });
    this.saveTx = db.transaction((d: KnowledgeDraft, log: KnowledgeLogEntry): boolean => {
      if ((this.draftOf.get(d.scope)?.revision ?? 0) !== d.revision - 1) return false;
      putDraft.run(d.scope, d.revision, JSON.stringify(d));
      append.run(JSON.stringify(log));
      return true;
    });
    this.discardTx = db.transaction((scope: string, log: KnowledgeLogEntry): boolean => {
      if (dropDraft.run(scope).changes === 0) return false;
      append.run(JSON.stringify(log));
      return true;
    });
  }

  async head(): Promise<number> {
    return this.headOf.get()?.n ?? 0;
  }

  async version(n: number): Promise<KnowledgeVersion | undefined> {
    const row = this.one.get(n);
    return row && { ...(JSON.parse(row.summary) as VersionSummary), kb: JSON.parse(row.kb) };
  }

  async versions(from: number, to: number): Promise<VersionSummary[]> {
    return this.some.all(from, to).map((r) => JSON.parse(r.summary) as VersionSummary);
  }

  async publish(version: KnowledgeVersion, log: KnowledgeLogEntry, draft?: { scope: string; revision: number }): Promise<PublishOutcome> {
    return this.publishTx.immediate(version, log, draft);
  }

  async draft(scope: string): Promise<KnowledgeDraft | undefined> {
    const row = this.draftOf.get(scope);
    return row && (JSON.parse(row.record) as KnowledgeDraft);
  }

  async drafts(): Promise<DraftSummary[]> {
    return this.allDrafts.all().map((r) => draftSummary(JSON.parse(r.record) as KnowledgeDraft));
  }

  async saveDraft(draft: KnowledgeDraft, log: KnowledgeLogEntry): Promise<boolean> {
    return this.saveTx.immediate(draft, log);
  }

  async discardDraft(scope: string, log: KnowledgeLogEntry): Promise<boolean> {
    return this.discardTx.immediate(scope, log);
  }

  async logSize(): Promise<number> {
    return this.logCount.get()?.n ?? 0;
  }

  async logRange(from: number, to: number): Promise<KnowledgeLogEntry[]> {
    return this.entries.all(Math.max(0, to - from), from).map((r) => JSON.parse(r.entry) as KnowledgeLogEntry);
  }
}
