import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../src/config.js';
import Database from 'better-sqlite3';
import { backup, BackupError, restore } from '../../src/storage/backup/index.js';
import { createStores } from '../../src/storage/index.js';

/**
 * A backup of a running SQLite store is a consistent snapshot: another process writes all the
 * while (each write a transaction that keeps total = a + b), and every copy, restored and opened,
 * satisfies it, with more in each later copy.
 */
const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `consistency-${name}-`));
const dataDir = tmp('live');
fs.mkdirSync(dataDir, { recursive: true });
void createStores({ STORE: 'sqlite', DATA_DIR: dataDir }).close(); // the schema, before the writer opens the file
const writer = spawn(process.execPath, ['--import', 'tsx', 'test/support/stats-writer.ts', dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
let writes = 0;
writer.stdout.on('data', (c: Buffer) => (writes = Number(c.toString().trim().split('\n').pop())));
afterAll(() => void writer.kill('SIGKILL'));

describe('backup of a running SQLite store', () => {
  it('copies a consistent snapshot while another process writes', async () => {
    while (writes < 200) await new Promise((r) => setTimeout(r, 50));
    const totals: number[] = [];
    for (let i = 0; i < 3; i++) {
      const file = path.join(tmp('file'), 'b.tar.gz');
      await backup({ STORE: 'sqlite', DATA_DIR: dataDir }, file);
      const into = tmp('restored');
      await restore({ STORE: 'sqlite', DATA_DIR: into }, file);
      const copy = createStores({ STORE: 'sqlite', DATA_DIR: into });
      const day = (await copy.stats.day('2026-12-01'))!;
      expect(day.total).toBe(day.intents.a + day.intents.b);
      expect(day.intents.a).toBe(day.intents.b);
      const subscribed = (await Promise.all(Array.from({ length: 50 }, (_, o) => copy.subscriptions.subscribers(`office-${o}`)))).flat().length;
      expect(subscribed).toBeGreaterThanOrEqual(day.intents.a - 1); // each write's subscription follows its counts
      expect(subscribed).toBeLessThanOrEqual(day.intents.a);
      await copy.close();
      totals.push(day.total);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(totals[1]).toBeGreaterThan(totals[0]);
    expect(totals[2]).toBeGreaterThan(totals[1]);
  });
});

describe('restore refuses what it should not do', () => {
  it('writes the archive readable by its owner only (0600, whatever the umask): it holds the conversations and the session secret (#33, 10)', async () => {
    const dir = tmp('mode');
    const file = path.join(dir, 'b.tar.gz');
    const umask = process.umask(0o022);
    try {
      fs.writeFileSync(path.join(dataDir, 'session-secret'), 'a-session-secret-of-at-least-32-characters', { mode: 0o600 });
      await backup({ STORE: 'sqlite', DATA_DIR: dataDir }, file);
    } finally {
      process.umask(umask);
      fs.rmSync(path.join(dataDir, 'session-secret'), { force: true });
    }
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
    expect(fs.readdirSync(dir)).toEqual(['b.tar.gz']);
  });

  it('a file that is not a backup, a backup of another store, a memory store', async () => {
    const into = tmp('refused');
    await expect(restore({ STORE: 'sqlite', DATA_DIR: into }, path.join(ROOT, 'package.json'))).rejects.toThrow(/is not a backup of this bot/);
    await expect(restore({ STORE: 'sqlite', DATA_DIR: into }, path.join(into, 'missing.tar.gz'))).rejects.toThrow(/no such file/);
    const file = path.join(tmp('file'), 'b.tar.gz');
    await backup({ STORE: 'sqlite', DATA_DIR: dataDir }, file);
    await expect(restore({ STORE: 'redis', DATA_DIR: into, REDIS_URL: 'redis://127.0.0.1:1' }, file)).rejects.toThrow(/a backup of a sqlite store, and this configuration uses redis/);
    await expect(backup({ STORE: 'memory', DATA_DIR: into }, file)).rejects.toBeInstanceOf(BackupError);
    await expect(backup({ STORE: 'sqlite', DATA_DIR: tmp('empty') }, file)).rejects.toThrow(/holds no SQLite database/);
    expect(fs.readdirSync(into)).toEqual([]); // nothing was put there
  });

  it('a target with data, unless --force, which replaces every database there', async () => {
    const file = path.join(tmp('file'), 'b.tar.gz');
    await backup({ STORE: 'sqlite', DATA_DIR: dataDir }, file);
    const into = tmp('taken');
    const stores = createStores({ STORE: 'sqlite', DATA_DIR: into });
    await stores.audit.append({ at: 'then', office: 'elche-centro', actor: 'api-token', before: { status: 'closed', expectedReopening: '', notes: {} }, after: { status: 'open', expectedReopening: '', notes: {} } });
    await stores.close();
    const other = new Database(path.join(into, 'old-extra.sqlite'));
    other.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    other.close();
    await expect(restore({ STORE: 'sqlite', DATA_DIR: into }, file)).rejects.toThrow(/the target holds data \(.*bot\.sqlite; .*old-extra\.sqlite\).*--force/);
    await restore({ STORE: 'sqlite', DATA_DIR: into }, file, true);
    expect(fs.readdirSync(into).sort()).toEqual(['bot.sqlite', 'sessions.sqlite']);
    const copy = createStores({ STORE: 'sqlite', DATA_DIR: into });
    expect(await copy.audit.list()).toEqual([]);
    expect((await copy.stats.day('2026-12-01'))!.total).toBeGreaterThan(0);
    await copy.close();
  });
});
