// NluTrainer's thread run from the sources (tests, tsx scripts): tsx compiles its TypeScript.
// The bundle starts dist/trainer-worker.js instead.
import { register } from 'tsx/esm/api';

register();
await import('./trainer-worker.ts');
