import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ROOT } from '../config.js';

export interface ConsoleFiles {
  /** console.js, and its licence notes. */
  files: Map<string, string>;
}

/**
 * Run from source (npm run dev, the tests) there is no dist/: the bundle is made in memory once,
 * at the first request for it, with the options scripts/build.mjs uses (web/staff/bundle.mjs).
 * The import's path is computed so that the server's own bundle does not take esbuild in.
 */
export async function bundleInMemory(): Promise<ConsoleFiles> {
  const optionsFile = pathToFileURL(path.join(ROOT, 'web', 'staff', 'bundle.mjs')).href;
  const [{ consoleBuild }, esbuild] = await Promise.all([import(optionsFile), import('esbuild')]);
  const result = await esbuild.build({ ...consoleBuild, write: false, outdir: path.join(ROOT, 'dist', 'staff') });
  const files = new Map<string, string>();
  for (const file of result.outputFiles ?? []) files.set(path.basename(file.path), file.text);
  return { files };
}

/** True when this module runs as TypeScript source (tsx), false in the bundle npm start runs. */
export const fromSource = fileURLToPath(import.meta.url).endsWith('.ts');
