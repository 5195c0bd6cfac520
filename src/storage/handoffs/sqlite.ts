import type Database from 'better-sqlite3';
import type { Address } from '../../domain/types.js';
import { addressKey, type Retention } from '../types.js';
import { applyChange, handoffCutoff, type Handoff, type HandoffChange, type HandoffRepository, type HandoffStatus } from './types.js';

/**
 * One row per hand-over (the record as JSON, its status, activity and end in columns for the
 * queue and retention); one open conversation per address (a unique partial index); the staff
 * group's posts in a table of their own. The closed ones past retention are deleted by the next
 * write, inside its transaction, and skipped by reads until then.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS handoffs (id TEXT PRIMARY KEY, address TEXT NOT NULL, status TEXT NOT NULL, activity TEXT NOT NULL, closed_at INTEGER, record TEXT NOT NULL) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS handoffs_open_by_address ON handoffs (address) WHERE status <> 'closed';
CREATE INDEX IF NOT EXISTS handoffs_by_end ON handoffs (closed_at) WHERE closed_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS handoff_posts (post TEXT PRIMARY KEY, id TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS handoff_posts_by_id ON handoff_posts (id);
`;

export class SqliteHandoffs implements HandoffRepository {
  private readonly insertTx;
  private readonly changeTx;
  private readonly one;
  private readonly openOne;
  private readonly post;
  private readonly byStatus;
  private readonly eraseTx;

  constructor(
    db: Database.Database,
    private readonly retention: Retention,
  ) {
    db.exec(SCHEMA);
    const purgePosts = db.prepare('DELETE FROM handoff_posts WHERE id IN (SELECT id FROM handoffs WHERE closed_at <= ?)');
    const purge = db.prepare('DELETE FROM handoffs WHERE closed_at <= ?');
    const openOf = db.prepare<[string], { record: string }>("SELECT record FROM handoffs WHERE address = ? AND status <> 'closed'");
    const insert = db.prepare('INSERT INTO handoffs (id, address, status, activity, closed_at, record) VALUES (?, ?, ?, ?, NULL, ?)');
    const read = db.prepare<[string], { record: string }>('SELECT record FROM handoffs WHERE id = ?');
    const write = db.prepare('UPDATE handoffs SET status = ?, activity = ?, closed_at = ?, record = ? WHERE id = ?');
    const addPost = db.prepare('INSERT OR IGNORE INTO handoff_posts (post, id) VALUES (?, ?)');
    const clean = (cutoff: number) => {
      purgePosts.run(cutoff);
      purge.run(cutoff);
    };
    this.insertTx = db.transaction((h: Handoff, cutoff: number) => {
      clean(cutoff);
      const key = addressKey(h.address);
      const existing = openOf.get(key);
      if (existing) return { handoff: JSON.parse(existing.record) as Handoff, created: false };
      insert.run(h.id, key, h.status, h.activityAt, JSON.stringify(h));
      return { handoff: h, created: true };
    });
    this.changeTx = db.transaction((id: string, change: HandoffChange, at: string, cutoff: number) => {
      clean(cutoff);
      const row = read.get(id);
      const next = row && applyChange(JSON.parse(row.record) as Handoff, change, at);
      if (!next) return undefined;
      write.run(next.status, next.activityAt, next.closedAt ? Date.parse(next.closedAt) : null, JSON.stringify(next), id);
      if (change.kind === 'post') addPost.run(change.post, id);
      return next;
    });
    const erasePosts = db.prepare('DELETE FROM handoff_posts WHERE id IN (SELECT id FROM handoffs WHERE address = ?)');
    const eraseAll = db.prepare('DELETE FROM handoffs WHERE address = ?');
    this.eraseTx = db.transaction((key: string) => {
      erasePosts.run(key);
      return eraseAll.run(key).changes;
    });
    this.one = db.prepare<[string, number], { record: string }>('SELECT record FROM handoffs WHERE id = ? AND (closed_at IS NULL OR closed_at > ?)');
    this.openOne = openOf;
    this.post = db.prepare<[string, number], { id: string }>(
      'SELECT p.id FROM handoff_posts p JOIN handoffs h ON h.id = p.id WHERE p.post = ? AND (h.closed_at IS NULL OR h.closed_at > ?)',
    );
    this.byStatus = db.prepare<[string, number], { record: string }>(
      'SELECT record FROM handoffs WHERE status IN (SELECT value FROM json_each(?)) AND (closed_at IS NULL OR closed_at > ?) ORDER BY activity DESC',
    );
  }

  async open(handoff: Handoff): Promise<{ handoff: Handoff; created: boolean }> {
    return this.insertTx.immediate(handoff, handoffCutoff(this.retention));
  }

  async get(id: string): Promise<Handoff | undefined> {
    const row = this.one.get(id, handoffCutoff(this.retention));
    return row && JSON.parse(row.record);
  }

  async openFor(address: Address): Promise<Handoff | undefined> {
    const row = this.openOne.get(addressKey(address));
    return row && JSON.parse(row.record);
  }

  async list(statuses: readonly HandoffStatus[]): Promise<Handoff[]> {
    return this.byStatus.all(JSON.stringify(statuses), handoffCutoff(this.retention)).map((r) => JSON.parse(r.record));
  }

  async change(id: string, change: HandoffChange, at: string): Promise<Handoff | undefined> {
    return this.changeTx.immediate(id, change, at, handoffCutoff(this.retention));
  }

  async erase(address: Address): Promise<number> {
    return this.eraseTx.immediate(addressKey(address));
  }

  async byPost(post: string): Promise<string | undefined> {
    return this.post.get(post, handoffCutoff(this.retention))?.id;
  }
}
