import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config.js';
import { BackupError, DATA, REDIS_KEYS, inScratch, pack, unpack, type Manifest } from './archive.js';
import { PLAIN_FILES, checkDatabases, copyDatabases, dataIn, databases, putInPlace } from './sqlite.js';
import { EXCLUDED, PREFIXES, dumpKeys, keysIn, restoreKeys } from './redis.js';

export { BackupError } from './archive.js';

type BackupConfig = Pick<Config, 'STORE' | 'DATA_DIR' | 'REDIS_URL'>;

/**
 * `npm run admin -- backup FILE`: a consistent copy of everything the bot keeps, from its store
 * (SQLite: the databases of DATA_DIR; Redis: the bot's keys) and the session secret, into FILE.
 */
export async function backup(config: BackupConfig, file: string): Promise<Manifest> {
  if (config.STORE === 'memory') throw new BackupError('STORE=memory keeps nothing beyond the process: there is nothing to back up');
  const target = path.resolve(file);
  return inScratch(path.dirname(target), async (dir) => {
    fs.mkdirSync(path.join(dir, DATA));
    const manifest: Manifest = { format: 'civic-chatbot-backup', version: 1, store: config.STORE as Manifest['store'], createdAt: new Date().toISOString(), files: [] };
    if (config.STORE === 'redis') {
      const keys = await dumpKeys(config.REDIS_URL!, path.join(dir, REDIS_KEYS));
      manifest.redis = { keys, prefixes: PREFIXES, excluded: EXCLUDED };
      for (const name of PLAIN_FILES) {
        if (!fs.existsSync(path.join(config.DATA_DIR, name))) continue;
        fs.copyFileSync(path.join(config.DATA_DIR, name), path.join(dir, DATA, name));
        manifest.files.push(name);
      }
    } else {
      manifest.files = await copyDatabases(config.DATA_DIR, path.join(dir, DATA));
      if (!manifest.files.some((f) => databases(path.join(dir, DATA)).includes(f))) throw new BackupError(`${config.DATA_DIR} holds no SQLite database: nothing to back up`);
    }
    await pack(dir, manifest, target);
    return manifest;
  });
}

/** A file of DATA_DIR the restore would replace, when it is there and differs. */
function differs(dataDir: string, from: string, name: string): boolean {
  const there = path.join(dataDir, name);
  return fs.existsSync(there) && !fs.readFileSync(there).equals(fs.readFileSync(path.join(from, name)));
}

/**
 * `npm run admin -- restore FILE [--force]`: puts a backup into a stopped instance's DATA_DIR, or
 * into the Redis of REDIS_URL. It refuses when the target holds data, unless `force`.
 */
export async function restore(config: BackupConfig, file: string, force = false): Promise<Manifest> {
  if (config.STORE === 'memory') throw new BackupError('STORE=memory keeps nothing beyond the process: there is nowhere to restore to');
  if (!fs.existsSync(file)) throw new BackupError(`${file}: no such file`);
  return inScratch(config.DATA_DIR, async (dir) => {
    const manifest = await unpack(path.resolve(file), dir);
    if (manifest.store !== config.STORE) throw new BackupError(`${file} is a backup of a ${manifest.store} store, and this configuration uses ${config.STORE}`);
    const data = path.join(dir, DATA);
    checkDatabases(data, manifest.files);
    const taken = manifest.store === 'redis' ? manifest.files.filter((f) => differs(config.DATA_DIR, data, f)) : dataIn(config.DATA_DIR);
    const keys = manifest.store === 'redis' ? await keysIn(config.REDIS_URL!) : 0;
    if ((taken.length || keys) && !force) {
      const where = [...taken.map((f) => path.join(config.DATA_DIR, f)), ...(keys ? [`${keys} keys under ${PREFIXES.join(', ')} in ${config.REDIS_URL}`] : [])];
      throw new BackupError(`the target holds data (${where.join('; ')}): restore only into a new instance, or add --force to replace it`);
    }
    if (manifest.store === 'redis') await restoreKeys(config.REDIS_URL!, path.join(dir, REDIS_KEYS), force);
    putInPlace(data, manifest.files, config.DATA_DIR, manifest.store === 'sqlite');
    return manifest;
  });
}
