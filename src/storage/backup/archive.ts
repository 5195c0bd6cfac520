import fs from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';

/**
 * A backup is one gzip'd tar file: `manifest.json` (what it holds), `data/` (files for DATA_DIR:
 * the SQLite copies, the session secret) and, from Redis, `redis.jsonl` (one key a line).
 */
export interface Manifest {
  format: 'civic-chatbot-backup';
  version: 1;
  store: 'sqlite' | 'redis';
  createdAt: string;
  /** Files under data/, restored into DATA_DIR. */
  files: string[];
  /** Redis: how many keys, under which prefixes, and what was left out on purpose. */
  redis?: { keys: number; prefixes: string[]; excluded: string[] };
}

export const DATA = 'data';
export const REDIS_KEYS = 'redis.jsonl';
const MANIFEST = 'manifest.json';

/** A scratch folder beside `near` (same file system: its files can be renamed into place), removed after `work`. */
export async function inScratch<T>(near: string, work: (dir: string) => Promise<T>): Promise<T> {
  fs.mkdirSync(near, { recursive: true });
  const dir = fs.mkdtempSync(path.join(near, '.backup-'));
  try {
    return await work(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Packs the folder into `file`: written beside it, synced, then renamed, so `file` is whole or
 * absent. Readable by its owner only (0600), from its first byte: it holds the conversations and
 * the session secret.
 */
export async function pack(dir: string, manifest: Manifest, file: string): Promise<void> {
  fs.writeFileSync(path.join(dir, MANIFEST), JSON.stringify(manifest, null, 2));
  const partial = `${file}.partial`;
  // Made empty with its mode before tar writes into it (tar keeps an existing file's mode); a partial left by a crash is replaced.
  fs.rmSync(partial, { force: true });
  fs.closeSync(fs.openSync(partial, 'wx', 0o600));
  fs.chmodSync(partial, 0o600); // whatever the umask
  const entries = fs.readdirSync(dir);
  await tar.create({ gzip: true, file: partial, cwd: dir, portable: true }, entries);
  const fd = fs.openSync(partial, 'r+');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(partial, file);
}

export class BackupError extends Error {}

/** Unpacks `file` into the folder and reads its manifest; anything else is refused. */
export async function unpack(file: string, dir: string): Promise<Manifest> {
  if (!fs.existsSync(file)) throw new BackupError(`${file}: no such file`);
  try {
    await tar.extract({ file, cwd: dir, strict: true });
  } catch (err) {
    throw new BackupError(`${file} is not a backup of this bot (${(err as Error).message})`);
  }
  const manifestFile = path.join(dir, MANIFEST);
  const manifest = fs.existsSync(manifestFile) ? (JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest) : undefined;
  if (manifest?.format !== 'civic-chatbot-backup' || manifest.version !== 1) throw new BackupError(`${file} is not a backup of this bot (no manifest of version 1)`);
  return manifest;
}

