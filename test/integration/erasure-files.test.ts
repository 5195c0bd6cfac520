import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { handoffKnowledge } from '../support/handoff-kb.js';
import { postChat, say, sessionOf, startApp } from '../support/helpers.js';

/**
 * Finding 9 of issue #33: after an erasure a citizen's name stayed in the statistics' unanswered
 * texts (90 days) and the erased transcript in SQLite's write-ahead log.
 */
const NAME = 'Zarathustra';

/** Every file under the folder that holds `needle`, as bytes (UTF-8). */
function holding(dir: string, needle: string): string[] {
  const bytes = Buffer.from(needle, 'utf8');
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((f) => f.isFile())
    .map((f) => path.join(f.parentPath, f.name))
    .filter((file) => fs.readFileSync(file).includes(bytes));
}

describe('an erased conversation on SQLite', () => {
  it('leaves no copy of what the citizen said in bot.sqlite, sessions.sqlite or their write-ahead logs, nor a name in the statistics', async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'erasure-files-'));
    const knowledge = handoffKnowledge({ paiporta: { timeZone: 'Europe/Madrid', handoff: { enabled: true } } });
    const { bot, app } = await startApp({ STORE: 'sqlite', DATA_DIR: data, KNOWLEDGE_DIR: knowledge, ADMIN_TOKEN: 'erasure-files-token-0123456789' });
    try {
      // A question the bot keeps for review (out of scope), then a hand-over whose transcript and messages hold the name.
      const first = await postChat(app, { sessionId: 'erase-me', text: `me llamo ${NAME} Quintanilla y me gusta el fútbol`, org: 'paiporta', lang: 'es' });
      expect(first.json().nlu.intent).toBe('out_of_scope');
      expect((await say(app, 'erase-me', 'Quiero hablar con una persona', 'es')).nlu.intent).toBe('human_agent');
      await say(app, 'erase-me', `Soy ${NAME}, ¿hay alguien?`, 'es');
      await bot.stats.flush();
      await new Promise((r) => setTimeout(r, 200)); // the sessions' write-behind
      expect(holding(data, NAME).length).toBeGreaterThan(0); // it was there

      const erased = await app.inject({ method: 'DELETE', url: `/api/chat/${sessionOf('erase-me')}` });
      expect(erased.json().erased).toBe(true);
      await bot.stats.flush();
      await new Promise((r) => setTimeout(r, 200));
      expect(holding(data, NAME)).toEqual([]);
      const today = new Date().toISOString().slice(0, 10);
      expect((await bot.stats.query(today, today)).unanswered.map((u) => u.text)).toContain('me llamo [name] y me gusta el fútbol');
    } finally {
      await app.close();
      await bot.close();
      fs.rmSync(data, { recursive: true, force: true });
    }
  });
});
