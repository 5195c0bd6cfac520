import fs from 'node:fs';
import type { Config } from '../../src/config.js';
import { backup, BackupError, restore } from '../../src/storage/backup/index.js';

export const BACKUP_USAGE = 'backup <file> | restore <file> [--force]';

const size = (file: string) => `${Math.max(1, Math.round(fs.statSync(file).size / 1024))} KB`;

/**
 * `backup FILE` / `restore FILE [--force]`: work on the store itself (DATA_DIR or REDIS_URL), not
 * through the server, so they need no ADMIN_TOKEN; a backup may run while the bot serves, a
 * restore only into a stopped (or new) instance.
 */
export async function backupCommand(config: Config, command: 'backup' | 'restore', args: string[]): Promise<number> {
  const force = args.includes('--force');
  const rest = args.filter((a) => a !== '--force');
  if (rest.length !== 1 || rest[0].startsWith('--') || (command === 'backup' && force)) {
    console.error(`usage: npm run admin -- ${BACKUP_USAGE}`);
    return 2;
  }
  const [file] = rest;
  const from = config.STORE === 'redis' ? `Redis ${config.REDIS_URL}` : config.DATA_DIR;
  try {
    if (command === 'backup') {
      const m = await backup(config, file);
      const held = [...(m.redis ? [`${m.redis.keys} keys under ${m.redis.prefixes.join(', ')} (not ${m.redis.excluded.join(', ')})`] : []), ...m.files];
      console.log(`backup of ${from} written to ${file} (${size(file)}): ${held.join(', ')}`);
    } else {
      const m = await restore(config, file, force);
      const held = [...(m.redis ? [`${m.redis.keys} keys`] : []), ...m.files];
      console.log(`restored the backup of ${m.createdAt} into ${from}: ${held.join(', ')}. Start the bot.`);
    }
    return 0;
  } catch (err) {
    if (!(err instanceof BackupError)) throw err;
    console.error(`${command}: ${err.message}`);
    return 1;
  }
}
