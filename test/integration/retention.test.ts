import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createStores, DAY_MS, emptyDay, type DayStats, type Stores } from '../../src/storage/index.js';

/**
 * Retention (#18) on the stores of one instance, with the clock the stores count by moved:
 * a web chat's subscriptions and waiting notices end WEB_SUBSCRIPTION_DAYS after they were last
 * written, unanswered questions' texts STATS_TEXT_DAYS after their day (their counts stay),
 * Telegram subscriptions never. On SQLite the expired rows are also gone from the file.
 */
const T0 = Date.parse('2026-12-01T10:00:00Z');
const web = { channel: 'web', id: 'browser-1' } as const;
const telegram = { channel: 'telegram', id: '4242' } as const;
const OFFICE = 'elche-el-altet';

let clock = T0;
const open: Stores[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

function stores(kind: 'memory' | 'sqlite', days: { STATS_TEXT_DAYS?: number; WEB_SUBSCRIPTION_DAYS?: number } = {}) {
  clock = T0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retention-'));
  const s = createStores({ STORE: kind, DATA_DIR: dir, ...days }, undefined, () => clock);
  open.push(s);
  /** Rows of a table in the SQLite file, read by another connection (what a copy of the file would hold). */
  const rows = (sql: string): unknown[] => {
    const db = new Database(path.join(dir, 'bot.sqlite'), { readonly: true });
    try {
      return db.prepare(sql).all();
    } finally {
      db.close();
    }
  };
  return { s, rows };
}

const day = (unanswered: string[]): DayStats => ({
  ...emptyDay(),
  total: unanswered.length + 1,
  intents: { out_of_scope: unanswered.length, greeting: 1 },
  unanswered: unanswered.map((text) => ({ at: new Date(clock).toISOString(), lang: 'es', intent: 'out_of_scope', confidence: 0.2, text })),
});

describe.each(['memory', 'sqlite'] as const)('retention on %s', (kind) => {
  it('ends a web subscription after 30 days; a Telegram one stays', async () => {
    const { s, rows } = stores(kind);
    await s.subscriptions.add(OFFICE, web, 'ca');
    await s.subscriptions.add(OFFICE, telegram, 'es');
    clock = T0 + 30 * DAY_MS - 1;
    expect((await s.subscriptions.subscribers(OFFICE)).map((x) => x.address.channel).sort()).toEqual(['telegram', 'web']);
    expect(await s.subscriptions.offices(web)).toEqual([OFFICE]);
    expect(await s.subscriptions.count(OFFICE)).toBe(2);
    clock = T0 + 30 * DAY_MS;
    expect(await s.subscriptions.subscribers(OFFICE)).toEqual([{ address: telegram, lang: 'es' }]);
    expect(await s.subscriptions.count(OFFICE)).toBe(1);
    expect(await s.subscriptions.offices(web)).toEqual([]);
    // A status change now reaches the Telegram chat only.
    expect(await s.outbox!.enqueue({ id: 'c1', office: { id: OFFICE } as never })).toBe(1);
    expect((await s.outbox!.claim(['web', 'telegram'], 10)).map((d) => d.subscriber.address)).toEqual([telegram]);
    clock = T0 + 400 * DAY_MS;
    expect(await s.subscriptions.offices(telegram)).toEqual([OFFICE]);
    if (kind === 'sqlite') {
      await s.subscriptions.add('elche-centro', telegram, 'es'); // the next write purges the file
      expect(rows("SELECT channel FROM subscriptions WHERE channel = 'web'")).toEqual([]);
    }
  });

  it('renews a web subscription asked for again, and counts it as the same one', async () => {
    const { s } = stores(kind);
    expect(await s.subscriptions.add(OFFICE, web, 'ca')).toBe(true);
    clock = T0 + 20 * DAY_MS;
    expect(await s.subscriptions.add(OFFICE, web, 'es')).toBe(false);
    clock = T0 + 49 * DAY_MS;
    expect(await s.subscriptions.subscribers(OFFICE)).toEqual([{ address: web, lang: 'es' }]);
    clock = T0 + 50 * DAY_MS;
    expect(await s.subscriptions.subscribers(OFFICE)).toEqual([]);
    expect(await s.subscriptions.add(OFFICE, web, 'es')).toBe(true); // ended: a new one
  });

  it('follows WEB_SUBSCRIPTION_DAYS', async () => {
    const { s } = stores(kind, { WEB_SUBSCRIPTION_DAYS: 7 });
    await s.subscriptions.add(OFFICE, web, 'it');
    clock = T0 + 7 * DAY_MS - 1;
    expect(await s.subscriptions.subscribers(OFFICE)).toHaveLength(1);
    clock = T0 + 7 * DAY_MS;
    expect(await s.subscriptions.subscribers(OFFICE)).toEqual([]);
  });

  it("drops a web inbox 30 days after its latest notice", async () => {
    const { s, rows } = stores(kind);
    await s.inbox.push('browser-1', 'c1', 'first notice');
    clock = T0 + 29 * DAY_MS;
    expect(await s.inbox.count('browser-1')).toBe(1);
    await s.inbox.push('browser-1', 'c2', 'second notice'); // renews the inbox
    clock = T0 + 58 * DAY_MS;
    expect(await s.inbox.count('browser-1')).toBe(2);
    await s.inbox.push('browser-2', 'c3', 'another citizen');
    clock = T0 + 59 * DAY_MS;
    expect(await s.inbox.count('browser-1')).toBe(0);
    expect(await s.inbox.take('browser-1')).toEqual([]);
    expect(await s.inbox.take('browser-2')).toEqual(['another citizen']);
    if (kind === 'sqlite') expect(rows('SELECT session FROM inbox')).toEqual([]); // taking (erasure) removes ended notices too
    if (kind === 'sqlite') {
      await s.inbox.push('browser-3', 'c4', 'a later notice'); // the next write purges the file
      expect(rows('SELECT session FROM inbox')).toEqual([{ session: 'browser-3' }]);
    }
  });

  it("keeps unanswered questions' texts 90 days, their counts always", async () => {
    const { s, rows } = stores(kind);
    await s.stats.add('2026-12-01', day(['¿a qué hora pasa el autobús?', 'una pregunta rara']));
    clock = Date.parse('2027-03-01T23:59:59Z'); // the day is 90 days old
    expect((await s.stats.day('2026-12-01'))!.unanswered.map((u) => u.text)).toEqual(['¿a qué hora pasa el autobús?', 'una pregunta rara']);
    clock = Date.parse('2027-03-02T00:00:00Z'); // 91
    const old = (await s.stats.day('2026-12-01'))!;
    expect(old.unanswered).toEqual([]);
    expect(old).toMatchObject({ total: 3, intents: { out_of_scope: 2, greeting: 1 } });
    // A late flush for that day adds counts, never texts.
    await s.stats.add('2026-12-01', day(['tarde']));
    await s.stats.add('2027-03-02', day(['de hoy']));
    expect(await s.stats.day('2026-12-01')).toMatchObject({ total: 5, unanswered: [] });
    expect((await s.stats.day('2027-03-02'))!.unanswered.map((u) => u.text)).toEqual(['de hoy']);
    if (kind === 'sqlite') expect(rows('SELECT day FROM stats_unanswered')).toEqual([{ day: '2027-03-02' }]);
  });
});

describe('an SQLite file of an earlier version', () => {
  it('gets the columns, and its web subscriptions and notices the full period from the upgrade', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retention-old-'));
    const old = new Database(path.join(dir, 'bot.sqlite'));
    old.exec(`CREATE TABLE subscriptions (office TEXT NOT NULL, address TEXT NOT NULL, channel TEXT NOT NULL, address_id TEXT NOT NULL, lang TEXT NOT NULL, PRIMARY KEY (office, address)) WITHOUT ROWID;
      CREATE TABLE inbox (session TEXT NOT NULL, change_id TEXT NOT NULL, text TEXT NOT NULL, PRIMARY KEY (session, change_id)) WITHOUT ROWID;
      INSERT INTO subscriptions VALUES ('${OFFICE}', 'web:browser-1', 'web', 'browser-1', 'sv'), ('${OFFICE}', 'telegram:4242', 'telegram', '4242', 'es');
      INSERT INTO inbox VALUES ('browser-1', 'c1', 'a notice from before');`);
    old.close();
    clock = T0;
    const s = createStores({ STORE: 'sqlite', DATA_DIR: dir }, undefined, () => clock);
    open.push(s);
    clock = T0 + 30 * DAY_MS - 1;
    expect(await s.subscriptions.subscribers(OFFICE)).toHaveLength(2);
    expect(await s.inbox.count('browser-1')).toBe(1);
    clock = T0 + 30 * DAY_MS;
    expect(await s.subscriptions.subscribers(OFFICE)).toEqual([{ address: telegram, lang: 'es' }]);
    expect(await s.inbox.count('browser-1')).toBe(0);
  });
});
