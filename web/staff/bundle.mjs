// How the console's browser code is bundled: one file, with preact, htm, i18next and Chart.js in it
// (no CDN). scripts/build.mjs writes it to dist/staff/; the server run from source builds it in
// memory (src/features/console/bundle.ts), so both serve the same thing.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** esbuild options for web/staff/src/main.js -> console.js. */
export const consoleBuild = {
  entryPoints: { console: path.join(here, 'src', 'main.js') },
  bundle: true,
  format: 'esm',
  platform: 'browser',
  // Browsers of the last few years: no transpiling of what they all have.
  target: ['es2020', 'chrome90', 'firefox90', 'safari15'],
  minify: true,
  legalComments: 'eof',
  logLevel: 'warning',
};
