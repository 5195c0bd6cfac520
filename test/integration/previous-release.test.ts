import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ROOT } from '../../src/config.js';
import { handoffKnowledge } from '../support/handoff-kb.js';
import { startApp } from '../support/helpers.js';

/**
 * Issue #34: sessions moved from @keyv/sqlite (the sqlite3 package) to better-sqlite3. The data
 * folder in test/fixtures/previous-release was written by the release before, with its clock at
 * T0 (make.ts there): two conversations end at T0 + 60 min, two at T0 + 90 min.
 */
const FIXTURE = path.join(ROOT, 'test/fixtures/previous-release');
const MINUTE = 60_000;
const NAME = 'Zarathustra';

interface Conversation {
  token: string;
  key: string;
  session: Record<string, unknown>;
}
const { T0, conversations: c } = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'conversations.json'), 'utf8')) as {
  T0: number;
  conversations: Record<'altet-early' | 'unread-early' | 'altet-late' | 'erase', Conversation>;
};

/** Each conversation in sessions.sqlite and its expiry, read as the file holds them. */
function rows(dir: string): Map<string, number> {
  const db = new Database(path.join(dir, 'sessions.sqlite'), { readonly: true });
  try {
    const all = db.prepare<[], { key: string; expires: number }>("SELECT key, json_extract(value, '$.expires') AS expires FROM keyv").all();
    return new Map(all.map((r) => [r.key, r.expires]));
  } finally {
    db.close();
  }
}

/** Every file under the folder that holds `needle`, as bytes (UTF-8). */
function holding(dir: string, needle: string): string[] {
  const bytes = Buffer.from(needle, 'utf8');
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((f) => f.isFile())
    .map((f) => path.join(f.parentPath, f.name))
    .filter((file) => fs.readFileSync(file).includes(bytes));
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
}

describe('a data folder written by the release whose sessions went through @keyv/sqlite', () => {
  afterEach(() => vi.useRealTimers());

  it('serves its conversations as they were, ends each at its expiry, and erases one leaving no copy', async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'previous-release-'));
    fs.cpSync(path.join(FIXTURE, 'data-folder'), data, { recursive: true });
    const stored = (name: keyof typeof c) => `sessions:${c[name].key}`;
    expect(rows(data)).toEqual(
      new Map([
        [stored('altet-early'), T0 + 60 * MINUTE],
        [stored('unread-early'), T0 + 60 * MINUTE],
        [stored('altet-late'), T0 + 90 * MINUTE],
        [stored('erase'), T0 + 90 * MINUTE],
      ]),
    );
    vi.useFakeTimers({ toFake: ['Date'], now: T0 + 45 * MINUTE });
    const knowledge = handoffKnowledge({ paiporta: { timeZone: 'Europe/Madrid', handoff: { enabled: true } } });
    const { bot, app } = await startApp({ STORE: 'sqlite', DATA_DIR: data, KNOWLEDGE_DIR: knowledge });
    const chat = (sessionId: string, text: string) => app.inject({ method: 'POST', url: '/api/chat', payload: { sessionId, text } });
    try {
      // Three quarters of an hour on: every conversation as the previous release kept it.
      for (const [name, conversation] of Object.entries(c)) expect(await bot.stores.sessions.get(conversation.key), name).toEqual(conversation.session);
      expect((await bot.subscriptions.subscribers('elche-el-altet')).map((s) => `web:${s.address.id}`)).toEqual([c['altet-late'].key]);

      // At T0 + 75 min the early ones have ended: the late one goes on where it was, the early one starts anew.
      vi.setSystemTime(T0 + 75 * MINUTE);
      const late = (await chat(c['altet-late'].token, '¿y su dirección?')).json();
      expect(late.sessionId).toBe(c['altet-late'].token);
      expect(late.nlu.entities.office).toBe('elche-el-altet');
      const early = (await chat(c['altet-early'].token, '¿y su dirección?')).json();
      expect(early.sessionId).toBe(c['altet-early'].token);
      expect(early.nlu.entities.office).toBeUndefined();
      expect(await bot.stores.sessions.get(c['unread-early'].key)).toBeUndefined();
      // In the file: the one nobody read again deleted, the two written again an hour from now.
      const later = new Map([
        [stored('altet-early'), T0 + 135 * MINUTE],
        [stored('altet-late'), T0 + 135 * MINUTE],
        [stored('erase'), T0 + 90 * MINUTE],
      ]);
      await until(() => isDeepStrictEqual(rows(data), later)); // written behind, every 50 ms
      expect(rows(data)).toEqual(later);

      // Erased: no copy of its name stays in the files (secure_delete, the write-ahead log checkpointed).
      expect(holding(data, NAME)).toContain(path.join(data, 'sessions.sqlite')); // it was there
      const erased = await app.inject({ method: 'DELETE', url: `/api/chat/${c.erase.token}` });
      expect(erased.json().erased).toBe(true);
      await new Promise((r) => setTimeout(r, 200));
      expect(holding(data, NAME)).toEqual([]);
      expect(await bot.stores.sessions.get(c.erase.key)).toBeUndefined();
    } finally {
      await app.close();
      await bot.close();
      fs.rmSync(data, { recursive: true, force: true });
    }
  });
});
