import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../src/config.js';
import { normalize } from '../../src/nlu/normalize.js';
import { loadExamples, loadValidation } from '../../src/nlu/training.js';

const dir = path.join(ROOT, 'intents');

describe('intents/validation/validation.yaml (the retraining guard rail)', () => {
  const validation = loadValidation(dir);
  const training = loadExamples(dir);

  it('is never trained on: no message of it is a training example, and loadExamples() does not read it', () => {
    const trained = new Set(training.map((e) => `${e.lang}|${normalize(e.text)}`));
    expect(validation.filter((v) => trained.has(`${v.lang}|${normalize(v.text)}`))).toEqual([]);
  });

  it('covers the five languages and names known intents only', () => {
    const intents = new Set(training.map((e) => e.intent));
    expect(validation.length).toBeGreaterThan(100);
    expect(validation.filter((v) => !intents.has(v.intent))).toEqual([]);
    for (const lang of ['es', 'ca', 'it', 'sv', 'en']) expect(validation.some((v) => v.lang === lang), lang).toBe(true);
  });
});
