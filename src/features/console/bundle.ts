import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ROOT } from '../../config.js';

/**
 * Run from source (npm run dev, the tests) there is no dist/: console.js is bundled in memory,
 * with the options scripts/build.mjs uses (web/staff/bundle.mjs). The import's path is computed so
 * that the server's own bundle does not take esbuild in.
 */
export async function bundleInMemory(): Promise<string> {
  const optionsFile = pathToFileURL(path.join(ROOT, 'web', 'staff', 'bundle.mjs')).href;
  const [{ consoleBuild }, esbuild] = await Promise.all([import(optionsFile), import('esbuild')]);
  const result = await esbuild.build({ ...consoleBuild, write: false, outdir: path.join(ROOT, 'dist', 'staff') });
  const js = result.outputFiles?.find((f) => path.basename(f.path) === 'console.js');
  if (!js) throw new Error('esbuild wrote no console.js');
  return js.text;
}

/** True when this module runs as TypeScript source (tsx), false in the bundle npm start runs. */
export const fromSource = fileURLToPath(import.meta.url).endsWith('.ts');
