// The SVM's worker run from the sources (tests, tsx scripts): tsx compiles its TypeScript.
// The bundle starts dist/svm-worker.js instead.
import { register } from 'tsx/esm/api';

register();
await import('./svm-worker.ts');
