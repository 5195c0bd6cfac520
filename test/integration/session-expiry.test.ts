import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startApp } from '../support/helpers.js';

/** Finding 8 of issue #33: sessions.sqlite never deleted an expired conversation (keyv drops one only when it is read again). */
describe('sessions.sqlite', () => {
  afterEach(() => vi.useRealTimers());

  it('deletes the conversations whose SESSION_TTL_MINUTES has passed, as the next writes come', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'session-expiry-'));
    const { bot, app } = await startApp({ STORE: 'sqlite', DATA_DIR: dir, SESSION_TTL_MINUTES: '1' });
    const rows = () => {
      const db = new Database(path.join(dir, 'sessions.sqlite'), { readonly: true });
      try {
        return (db.prepare('SELECT COUNT(*) AS n FROM keyv').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    const written = async (n: number) => {
      for (let i = 0; i < 100 && rows() !== n; i++) await new Promise((r) => setTimeout(r, 20));
      return rows();
    };
    try {
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
      for (let i = 0; i < 30; i++) expect((await app.inject({ method: 'POST', url: '/api/chat', payload: { text: 'hola' } })).statusCode).toBe(200);
      expect(await written(30)).toBe(30);
      // Two minutes later a new citizen writes: the thirty that expired go.
      vi.setSystemTime(Date.now() + 2 * 60_000);
      await app.inject({ method: 'POST', url: '/api/chat', payload: { text: 'hola' } });
      expect(await written(1)).toBe(1);
    } finally {
      await app.close();
      await bot.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
