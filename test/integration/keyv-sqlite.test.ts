import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import Keyv from 'keyv';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KeyvSqlite } from '../../src/storage/keyv-sqlite.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(open.splice(0).map((o) => o.close()));
});

function keyvOn(file: string, namespace: string): Keyv {
  const keyv = new Keyv({ store: new KeyvSqlite(file), namespace });
  open.push({ close: () => keyv.disconnect() });
  return keyv;
}

describe("the sessions' keyv store on better-sqlite3", () => {
  it("keeps keyv's entries in @keyv/sqlite's table, ends them at their expiry, and clears its own namespace only", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keyv-sqlite-')), 'sessions.sqlite');
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-12-01T09:00:00Z') });
    const sessions = keyvOn(file, 'sessions');
    const other = keyvOn(file, 'other');
    await sessions.set('web:a', { lang: 'ca', office: 'elche-centro' }, 60_000);
    await sessions.set('web:b', { lang: 'sv' });
    await other.set('web:a', { lang: 'it' });

    expect(await sessions.get('web:a')).toEqual({ lang: 'ca', office: 'elche-centro' });
    expect(await sessions.get(['web:a', 'web:b', 'web:none'])).toEqual([{ lang: 'ca', office: 'elche-centro' }, { lang: 'sv' }, undefined]);
    expect(await sessions.has('web:b')).toBe(true);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('SELECT key, value FROM keyv ORDER BY key').all()).toEqual([
        { key: 'other:web:a', value: JSON.stringify({ value: { lang: 'it' } }) },
        { key: 'sessions:web:a', value: JSON.stringify({ value: { lang: 'ca', office: 'elche-centro' }, expires: Date.now() + 60_000 }) },
        { key: 'sessions:web:b', value: JSON.stringify({ value: { lang: 'sv' } }) },
      ]);
    } finally {
      db.close();
    }

    vi.setSystemTime(Date.now() + 60_001);
    expect(await sessions.get('web:a')).toBeUndefined();
    expect(await sessions.has('web:a')).toBe(false);
    expect(await sessions.delete('web:b')).toBe(true);
    expect(await sessions.delete('web:b')).toBe(false);
    await sessions.set('web:c', { lang: 'en' });
    await sessions.clear();
    expect(await sessions.get('web:c')).toBeUndefined();
    expect(await other.get('web:a')).toEqual({ lang: 'it' });
  });

  it('reads a file that has keyv entries and no expiry index yet, and adds the index', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keyv-sqlite-')), 'sessions.sqlite');
    const old = new Database(file);
    old.exec(`CREATE TABLE keyv(key VARCHAR(255) PRIMARY KEY, value TEXT );
      INSERT INTO keyv VALUES ('sessions:web:x', '${JSON.stringify({ value: { lang: 'es', office: 'elche-el-altet' }, expires: Date.now() + 60_000 })}');`);
    old.close();
    const sessions = keyvOn(file, 'sessions');
    expect(await sessions.get('web:x')).toEqual({ lang: 'es', office: 'elche-el-altet' });
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'keyv' AND sql IS NOT NULL").all()).toEqual([{ name: 'keyv_by_expiry' }]);
    } finally {
      db.close();
    }
  });
});
