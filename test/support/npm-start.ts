import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../../src/config.js';

/** `npm run build`, which `npm start` runs first (its prestart). */
export function buildBundle(): void {
  const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`npm run build failed:\n${run.stderr}`);
}

/** `npm start`'s command line: the environment it sets (`NAME=value` before node), and node's arguments (its flags and the bundle). */
function startCommand(): { env: Record<string, string>; args: string[] } {
  const { scripts } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const words = (scripts.start as string).split(/\s+/);
  const env: Record<string, string> = {};
  while (/^[A-Z_]+=/.test(words[0])) {
    const [name, value] = words.shift()!.split('=');
    env[name] = value;
  }
  const [node, ...args] = words;
  if (node !== 'node') throw new Error(`npm start does not run node: ${scripts.start}`);
  return { env, args: args.map((arg) => (arg.endsWith('.js') ? path.join(ROOT, arg) : arg)) };
}

/** The arguments `npm start` gives node (its flags and the bundle), from package.json. */
export const startArgs = (): string[] => startCommand().args;

/** The environment variables `npm start` sets for node (MALLOC_ARENA_MAX). */
export const startEnv = (): Record<string, string> => startCommand().env;
