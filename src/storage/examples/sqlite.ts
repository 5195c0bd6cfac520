import type Database from 'better-sqlite3';
import type { AddOutcome, ExampleRepository, TaughtExample } from './types.js';

/** The overlay's tables in bot.sqlite; the unique (lang, norm) index refuses a second copy of an example. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS taught_examples (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, lang TEXT NOT NULL, norm TEXT NOT NULL, record TEXT NOT NULL, UNIQUE (lang, norm));
CREATE TABLE IF NOT EXISTS taught_dismissed (review TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS taught_version (one INTEGER PRIMARY KEY CHECK (one = 1), n INTEGER NOT NULL);
INSERT OR IGNORE INTO taught_version (one, n) VALUES (1, 0);
`;

export class SqliteExamples implements ExampleRepository {
  private readonly addTx;
  private readonly removeTx;
  private readonly dismissTx;
  private readonly all;
  private readonly current;
  private readonly reviews;

  constructor(db: Database.Database) {
    db.exec(SCHEMA);
    const find = db.prepare<[string, string], { record: string }>('SELECT record FROM taught_examples WHERE lang = ? AND norm = ?');
    const insert = db.prepare('INSERT INTO taught_examples (id, lang, norm, record) VALUES (?, ?, ?, ?)');
    const bump = db.prepare('UPDATE taught_version SET n = n + 1');
    const drop = db.prepare<[string], { record: string }>('DELETE FROM taught_examples WHERE id = ? RETURNING record');
    const dismissOne = db.prepare('INSERT OR IGNORE INTO taught_dismissed (review) VALUES (?)');
    // One transaction each: the check, the write and the version move together.
    this.addTx = db.transaction((e: TaughtExample): AddOutcome => {
      const there = find.get(e.lang, e.norm);
      if (there) {
        const found = JSON.parse(there.record) as TaughtExample;
        return found.intent === e.intent ? { existing: found } : { conflict: found };
      }
      insert.run(e.id, e.lang, e.norm, JSON.stringify(e));
      bump.run();
      return { added: e };
    });
    this.removeTx = db.transaction((id: string): TaughtExample | undefined => {
      const row = drop.get(id);
      if (!row) return undefined;
      bump.run();
      return JSON.parse(row.record) as TaughtExample;
    });
    this.dismissTx = db.transaction((review: string) => {
      if (dismissOne.run(review).changes === 1) bump.run();
    });
    this.all = db.prepare<[], { record: string }>('SELECT record FROM taught_examples ORDER BY seq');
    this.current = db.prepare<[], { n: number }>('SELECT n FROM taught_version');
    this.reviews = db.prepare<[], { review: string }>('SELECT review FROM taught_dismissed');
  }

  async add(example: TaughtExample): Promise<AddOutcome> {
    return this.addTx.immediate(example);
  }

  async remove(id: string): Promise<TaughtExample | undefined> {
    return this.removeTx.immediate(id);
  }

  async list(): Promise<TaughtExample[]> {
    return this.all.all().map((r) => JSON.parse(r.record) as TaughtExample);
  }

  async version(): Promise<number> {
    return this.current.get()?.n ?? 0;
  }

  async dismiss(review: string): Promise<void> {
    this.dismissTx.immediate(review);
  }

  async dismissed(): Promise<string[]> {
    return this.reviews.all().map((r) => r.review);
  }
}
