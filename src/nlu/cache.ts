import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { NGRAM_DEFAULTS } from './encoders/ngram.js';
import { SVM_DEFAULTS } from './svm.js';
import { LANGUAGE_TRAINING } from './language.js';

/** Bump when the model's shape or features change: old cache files are then ignored. */
const MODEL_VERSION = 'ngram-svm-8'; // 5: contacts masked from the classifier's text; 6: the act head's own vocabulary; 7: one for all its parts; 8: `none` examples

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
 * How many models the cache keeps: the model of intents/ alone, the shared one and one per
 * organisation with examples of its own (a restart loads them all), and a few earlier ones (an undo).
 */
const KEEP = 8;

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
      const value = JSON.parse(fs.readFileSync(this.file(key), 'utf8')) as T;
      fs.utimesSync(this.file(key), new Date(), new Date()); // in use: among the newest that write() keeps
      return value;
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
      // The newest few stay: the model of intents/ alone and those of the latest overlays (a restart, or an undo, loads them).
      const models = fs
        .readdirSync(this.dir)
        .filter((f) => f.startsWith('nlu-') && f.endsWith('.json'))
        .map((f) => ({ f, at: fs.statSync(path.join(this.dir, f)).mtimeMs }))
        .sort((a, b) => b.at - a.at);
      for (const { f } of models.slice(KEEP)) fs.rmSync(path.join(this.dir, f), { force: true });
    } catch {
      // a read-only DATA_DIR only costs training time at the next start
    }
  }
}
