import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStores } from '../../src/storage/index.js';
import { Stats } from '../../src/features/insights/stats.js';
import { assemble } from '../../src/app/assemble.js';
import { testConfig } from '../support/helpers.js';
import { webSubscribed } from '../support/texts.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'store-'));

describe('SQLite store', () => {
  it('keeps sessions written behind the answers across a graceful restart', async () => {
    const dir = tmp();
    const first = createStores({ STORE: 'sqlite', DATA_DIR: dir });
    for (let i = 0; i < 300; i++) await first.sessions.set(`web:s${i}`, { lang: 'ca', office: `o${i}` }, 60_000);
    await first.sessions.set('web:s0', { lang: 'sv' }, 60_000); // a later write wins
    await first.subscriptions.add('x', { channel: 'web', id: 'a1' }, 'ca');
    await first.close();
    const second = createStores({ STORE: 'sqlite', DATA_DIR: dir });
    expect(await second.sessions.get('web:s0')).toEqual({ lang: 'sv' });
    expect(await second.sessions.get('web:s299')).toEqual({ lang: 'ca', office: 'o299' });
    expect(await second.subscriptions.subscribers('x')).toEqual([{ address: { channel: 'web', id: 'a1' }, lang: 'ca' }]);
    await second.close();
  });

  it('writes sessions to the file within moments, without a close', async () => {
    const dir = tmp();
    const writer = createStores({ STORE: 'sqlite', DATA_DIR: dir });
    await writer.sessions.set('web:soon', { lang: 'it' }, 60_000);
    await new Promise((r) => setTimeout(r, 300));
    const reader = createStores({ STORE: 'sqlite', DATA_DIR: dir });
    expect(await reader.sessions.get('web:soon')).toEqual({ lang: 'it' });
    await reader.close();
    await writer.close();
  });

  it('lets sessions expire', async () => {
    const stores = createStores({ STORE: 'sqlite', DATA_DIR: tmp() });
    await stores.sessions.set('web:brief', { lang: 'en' }, 50);
    await new Promise((r) => setTimeout(r, 120));
    expect(await stores.sessions.get('web:brief')).toBeUndefined();
    await stores.close();
  });
});

describe('SQLite records beside the sessions', () => {
  it('keep every subscription acknowledged while 20 conversations at a time write their sessions', async () => {
    const bot = await assemble(testConfig({ STORE: 'sqlite', DATA_DIR: tmp() }));
    const done = webSubscribed(bot, 'elche-el-altet', 'es');
    let next = 0;
    let acknowledged = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < 300) {
          const r = await bot.chat({ sessionId: `citizen-${next++}`, text: 'Avísame cuando abra la OMAC de El Altet', channel: 'web' });
          if (r.reply.text === done) acknowledged++;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }),
    );
    expect(acknowledged).toBe(300);
    expect(await bot.subscriptions.subscribers('elche-el-altet')).toHaveLength(300);
    await bot.close();
  });
});

describe('statistics', () => {
  it('lose no counts when flushes overlap (the timer and a query)', async () => {
    const stores = createStores({ STORE: 'sqlite', DATA_DIR: tmp() });
    const stats = new Stats(stores.stats, 0.5, 0);
    const day = new Date('2026-11-22T10:00:00Z');
    const flushes: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      stats.record({ channel: 'web', intent: 'office_status', lang: 'es', confidence: 0.9, text: 'x' }, day);
      flushes.push(stats.flush());
    }
    await Promise.all(flushes);
    expect((await stats.query('2026-11-22', '2026-11-22')).total).toBe(50);
    await stats.close();
    await stores.close();
  });
});
