import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BackupError } from './archive.js';

/**
 * The SQLite side of a backup: every SQLite database file at the top of DATA_DIR (found by its
 * header, whatever its name: bot.sqlite, sessions.sqlite, and any a later version adds) copied with
 * SQLite's online backup, and the plain files the bot keeps there (the session secret). The NLU
 * cache is left out: it is rebuilt from intents/ at the next start.
 */
const HEADER = Buffer.from('SQLite format 3\0');
export const PLAIN_FILES = ['session-secret'];

function isSqlite(file: string): boolean {
  const head = Buffer.alloc(HEADER.length);
  const fd = fs.openSync(file, 'r');
  try {
    return fs.readSync(fd, head, 0, head.length, 0) === head.length && head.equals(HEADER);
  } finally {
    fs.closeSync(fd);
  }
}

/** The SQLite database files in the folder (not their -wal and -shm companions, which have other headers). */
export function databases(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && isSqlite(path.join(dir, e.name)))
    .map((e) => e.name)
    .sort();
}

/**
 * Copies each database of `dataDir` into `into` while the bot may be writing: the online backup
 * reads a snapshot (one read transaction: all pages in one step, so a write by the running bot
 * cannot restart it), and WAL mode lets the bot write meanwhile.
 */
export async function copyDatabases(dataDir: string, into: string): Promise<string[]> {
  const copied: string[] = [];
  for (const name of databases(dataDir)) {
    const db = new Database(path.join(dataDir, name), { fileMustExist: true });
    try {
      db.pragma('busy_timeout = 10000');
      await db.backup(path.join(into, name), { progress: () => 0x7fffffff });
    } finally {
      db.close();
    }
    copied.push(name);
  }
  for (const name of PLAIN_FILES) {
    const file = path.join(dataDir, name);
    if (fs.existsSync(file)) {
      fs.copyFileSync(file, path.join(into, name));
      copied.push(name);
    }
  }
  return copied;
}

/** Rows in any table of the database (the bot creates its tables empty at start: that alone is not data). */
function holdsRows(file: string): boolean {
  const db = new Database(file, { fileMustExist: true });
  try {
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all();
    return tables.some((t) => db.prepare(`SELECT 1 FROM "${t.name.replace(/"/g, '""')}" LIMIT 1`).get() !== undefined);
  } finally {
    db.close();
  }
}

/** What in `dataDir` a restore would overwrite and that holds data. */
export function dataIn(dataDir: string): string[] {
  return databases(dataDir).filter((name) => holdsRows(path.join(dataDir, name)));
}

/** Checks each restored copy before it goes into place. */
export function checkDatabases(dir: string, names: string[]): void {
  for (const name of names) {
    if (!fs.existsSync(path.join(dir, name))) throw new BackupError(`the backup lacks ${name}`);
    if (!isSqlite(path.join(dir, name))) continue;
    const db = new Database(path.join(dir, name), { fileMustExist: true });
    try {
      const result = db.pragma('integrity_check', { simple: true });
      if (result !== 'ok') throw new BackupError(`${name} in the backup is damaged: ${String(result)}`);
    } finally {
      db.close();
    }
  }
}

/**
 * Puts the files into `dataDir`, each renamed into place. With `replaceDatabases` the databases
 * there (and their -wal, -shm) are removed first, so that none of their pages mixes with the
 * restored ones and no table of the old instance outlives the restore.
 */
export function putInPlace(from: string, names: string[], dataDir: string, replaceDatabases: boolean): void {
  if (replaceDatabases) for (const name of databases(dataDir)) for (const suffix of ['', '-wal', '-shm']) fs.rmSync(path.join(dataDir, name + suffix), { force: true });
  for (const name of names) {
    for (const suffix of ['-wal', '-shm']) fs.rmSync(path.join(dataDir, name + suffix), { force: true });
    fs.renameSync(path.join(from, name), path.join(dataDir, name));
    if (PLAIN_FILES.includes(name)) fs.chmodSync(path.join(dataDir, name), 0o600);
  }
}
