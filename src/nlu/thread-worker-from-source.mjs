// NluThread's thread run from the sources (tests, tsx scripts): tsx compiles its TypeScript.
// The bundle starts dist/nlu-thread.js instead.
import { register } from 'tsx/esm/api';

register();
await import('./thread-worker.ts');
