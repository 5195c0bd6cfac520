// A worker run from the sources (spawnWorker() in worker.ts): tsx compiles its TypeScript. Its
// source's URL is the last argument; the bundle starts dist/<name>.js instead.
import { register } from 'tsx/esm/api';

register();
await import(process.argv.at(-1));
