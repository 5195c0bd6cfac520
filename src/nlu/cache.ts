import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { NGRAM_DEFAULTS } from './encoders/ngram.js';
import { SVM_DEFAULTS } from './svm.js';
import { LANGUAGE_TRAINING } from './language.js';

/** Bump when the model's shape or features change: old cache files are then ignored. */
const MODEL_VERSION = 'ngram-svm-2';

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? filesUnder(path.join(dir, d.name)) : [path.join(dir, d.name)]))
    .sort();
}

/** Every training choice: part of the cache key, so that changing one retrains instead of loading a stale model. */
const TRAINING = { ngram: NGRAM_DEFAULTS, svm: SVM_DEFAULTS, language: LANGUAGE_TRAINING };

/**
 * A trained model's cache key: a fingerprint of the training data (file names and bytes), of the
 * training choices and of what else shapes the model (`extra`: the languages, the embedding model).
 */
export function cacheKey(intentsDir: string, extra: unknown): string {
  const hash = createHash('sha256').update(MODEL_VERSION).update(JSON.stringify({ TRAINING, extra }));
  for (const file of filesUnder(intentsDir)) hash.update(path.relative(intentsDir, file)).update(fs.readFileSync(file));
  return hash.digest('hex').slice(0, 24);
}

/**
 * Trained models kept on disk, so that a restart with unchanged intents/ skips training.
 * Best effort: an unreadable cache is retrained, an unwritable one is simply not kept.
 */
export class ModelCache {
  constructor(private readonly dir: string) {}

  private file(key: string): string {
    return path.join(this.dir, `nlu-${key}.json`);
  }

  read<T>(key: string): T | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.file(key), 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  write(key: string, value: unknown): void {
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      // Written aside and renamed: a reader never sees half a file, even with several processes.
      const tmp = `${this.file(key)}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(value));
      fs.renameSync(tmp, this.file(key));
      for (const old of fs.readdirSync(this.dir)) {
        if (old.startsWith('nlu-') && old.endsWith('.json') && old !== path.basename(this.file(key))) fs.rmSync(path.join(this.dir, old), { force: true });
      }
    } catch {
      // a read-only DATA_DIR only costs training time at the next start
    }
  }
}
