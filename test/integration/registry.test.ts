import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../src/config.js';
import { assemble } from '../../src/app/assemble.js';
import { testConfig } from '../support/helpers.js';

describe('intents/ and the intent registry', () => {
  it('a start whose intents/ has an intent no registry entry answers fails with a readable reason', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intents-'));
    fs.cpSync(path.join(ROOT, 'intents'), dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'lost_property.yaml'),
      'intent: lost_property\nexamples:\n  es: [perdí la cartera, he perdido las llaves, objetos perdidos]\n  en: [I lost my wallet, lost and found, I lost my keys]\n',
    );
    await expect(assemble(testConfig({ INTENTS_DIR: dir, NLU_CACHE_DIR: 'off' }))).rejects.toThrow(
      /^Invalid configuration: intents and registry differ: intents\/ has examples for lost_property/,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
