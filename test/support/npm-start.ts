import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../../src/config.js';

/** `npm run build`, which `npm start` runs first (its prestart). */
export function buildBundle(): void {
  const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`npm run build failed:\n${run.stderr}`);
}

/** The arguments `npm start` gives node (its flags and the bundle), from package.json. */
export function startArgs(): string[] {
  const { scripts } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const [node, ...args] = (scripts.start as string).split(/\s+/);
  if (node !== 'node') throw new Error(`npm start does not run node: ${scripts.start}`);
  return args.map((arg) => (arg.endsWith('.js') ? path.join(ROOT, arg) : arg));
}
