import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread on `source` (a TypeScript module's URL). The bundle has every worker as an entry
 * of its own named like its source file (scripts/build.mjs: src/nlu/nlu-thread.ts is
 * dist/nlu-thread.js), which runs when it is there; from the sources (tests, tsx scripts) one shim
 * registers tsx in the new thread and imports the source.
 */
export function spawnWorker(source: URL, options: WorkerOptions = {}): Worker {
  const bundled = new URL(`./${path.basename(fileURLToPath(source), '.ts')}.js`, import.meta.url);
  if (fs.existsSync(bundled)) return new Worker(bundled, options);
  return new Worker(new URL('./worker-from-source.mjs', import.meta.url), { ...options, argv: [...(options.argv ?? []), source.href] });
}
