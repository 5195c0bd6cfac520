import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../src/config.js';
import { assemble } from '../../src/app/assemble.js';
import { loadTexts } from '../../src/shared/i18n.js';
import { localeLangs } from '../../src/shared/languages.js';
import { testConfig } from '../support/helpers.js';

describe('the languages are the folders under locales/', () => {
  it('a language added as files is listed and spoken', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'locales-'));
    for (const lang of ['es', 'pt']) fs.mkdirSync(path.join(dir, lang));
    fs.writeFileSync(path.join(dir, 'es', 'translation.json'), JSON.stringify({ hello: 'Hola' }));
    fs.writeFileSync(path.join(dir, 'pt', 'translation.json'), JSON.stringify({ hello: 'Olá' }));
    expect(localeLangs(dir)).toEqual(['es', 'pt']);
    const texts = await loadTexts(dir, 'es');
    expect(texts.langs).toEqual(['es', 'pt']);
    expect(texts.t('pt')('hello')).toBe('Olá');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the shipped ones are the five of the sample', () => {
    expect(localeLangs(path.join(ROOT, 'locales'))).toEqual(['ca', 'en', 'es', 'it', 'sv']);
  });

  it('a DEFAULT_LANG without texts stops the start with a readable reason', async () => {
    await expect(assemble(testConfig({ DEFAULT_LANG: 'pt' }))).rejects.toThrow(/DEFAULT_LANG=pt has no texts: the languages under .* are ca, en, es, it, sv/);
  });

  it('a DEFAULT_LANG that is not a language code is refused with the configuration', () => {
    expect(() => testConfig({ DEFAULT_LANG: 'Spanish' })).toThrow(/DEFAULT_LANG/);
  });
});
