import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../src/config.js';
import { loadKnowledge } from '../../src/knowledge/loader.js';
import type { NluOptions } from '../../src/nlu/index.js';
import { Nlu } from '../../src/nlu/nlu.js';
import { localeLangs } from '../../src/shared/languages.js';

const options: NluOptions = { langs: localeLangs(path.join(ROOT, 'locales')), defaultLang: 'es', threshold: 0.35 };
const kb = loadKnowledge(path.join(ROOT, 'knowledge'));
const intents = path.join(ROOT, 'intents');
let nlu: Nlu;
beforeAll(async () => {
  nlu = await Nlu.fromDirectory(intents, kb, options);
});

describe('office entity', () => {
  it.each([
    ['¿Está abierta la OMAC de TORRELLANO?', 'elche-torrellano'],
    ['esta abierto torellano', 'elche-torrellano'],
    ['horario de el altet', 'elche-el-altet'],
    ["està oberta l'oficina del centre?", 'elche-centro'],
    ['la sede di Varese è aperta?', 'ats-insubria-varese'],
    ['Plaça de Crevillent obre hui?', 'elche-plaza-crevillent'],
    ['plaza crevillente', 'elche-plaza-crevillent'],
    ['is francesc canto open', 'elche-francesc-canto'],
    ['altabx office hours', 'elche-altabix'],
    ['¿Cuál es el teléfono de la ATS de Como?', 'ats-insubria-como'],
    ['ayuntamiento de paiporta', 'paiporta-oficina-unica'],
  ])('%s -> %s', (text, office) => {
    expect(nlu.parse(text).entities.office).toBe(office);
  });

  it('does not read "cómo" (how) as the office of Como in Spanish', () => {
    expect(nlu.parse('¿cómo pido el certificado de empadronamiento?').entities.office).toBeUndefined();
    expect(nlu.parse('como puedo pedir cita').entities.office).toBeUndefined();
  });

  it('does not take "dentro" for "centro"', () => {
    expect(nlu.parse('puedo entrar dentro de la oficina?').entities.office).toBeUndefined();
  });
});

describe('other entities', () => {
  it.each([
    ['necesito el certificado de empadronamiento', 'certificate', 'padron'],
    ['com demane la fe de vida', 'certificate', 'life'],
    ['certificato di esistenza in vita', 'certificate', 'life'],
    ['hur får jag ett folkbokföringsintyg', 'certificate', 'padron'],
    ['how do I get a digital certificate', 'certificate', 'digital'],
    ['can we switch to swedish', 'language', 'sv'],
    ['parla in italiano per favore', 'language', 'it'],
    ['en valencià, per favor', 'language', 'ca'],
    ['teléfono de ATS Insubria', 'organisation', 'ats-insubria'],
  ])('%s -> %s %s', (text, type, id) => {
    expect(nlu.parse(text).entities[type as 'certificate']).toBe(id);
  });

  it('corrects typos toward names and long lexicon words, never a real word into a short one ("closer" is not "closed")', () => {
    expect(nlu.parse('and torrellano? thats a bit closer for me').entities.state).toBeUndefined();
    expect(nlu.parse('esta abierta la de torellano?').entities.office).toBe('elche-torrellano');
    expect(nlu.parse('necesito el certificado de empadronamento').entities.certificate).toBe('padron');
  });
});

describe('language identification', () => {
  it.each([
    ['¿Está abierta la oficina de Altabix?', 'es'],
    ["Està oberta l'oficina d'Altabix?", 'ca'],
    ["L'ufficio di Varese è aperto?", 'it'],
    ['Är kontoret i Altabix öppet?', 'sv'],
    ['Is the Altabix office open?', 'en'],
    ['vull demanar el certificat de empadronament', 'ca'],
    ['quiero pedir el certificado de empadronamiento', 'es'],
  ])('%s -> %s', (text, lang) => {
    expect(nlu.parse(text).lang).toBe(lang);
  });

  it('keeps the conversation language for one-word messages', () => {
    expect(nlu.parse('ok', 'sv').lang).toBe('sv');
    expect(nlu.parse('hola', 'ca').lang).toBe('ca');
  });
});

describe('model cache', () => {
  it('a model loaded from the cache answers exactly as the one just trained', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlu-cache-'));
    const trained = await Nlu.fromDirectory(intents, kb, options, dir);
    await trained.saved; // written once the start is done
    const [first] = fs.readdirSync(dir);
    expect(first).toMatch(/^nlu-.*\.json$/);
    const loaded = await Nlu.fromDirectory(intents, kb, options, dir);
    for (const text of ['¿Está abierta la OMAC de Torrellano?', 'telefono ats varese', 'vull la fe de vida', 'hej', 'parla in italiano']) {
      expect(loaded.parse(text)).toEqual(trained.parse(text));
    }
    // Another training set is another model: the cache is not reused.
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'intents-'));
    fs.cpSync(intents, copy, { recursive: true });
    fs.writeFileSync(path.join(copy, 'greeting.yaml'), fs.readFileSync(path.join(copy, 'greeting.yaml'), 'utf8').replace('examples:', 'examples:\n  # edited'));
    await (await Nlu.fromDirectory(copy, kb, options, dir)).saved;
    // The cache keeps the newest few models (the base one and a taught overlay's live side by side).
    const after = fs.readdirSync(dir);
    expect(after).toHaveLength(2);
    expect(after).toContain(first);
  });
});
