import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../src/config.js';
import { Knowledge } from '../../src/knowledge/knowledge.js';
import { loadKnowledge } from '../../src/knowledge/loader.js';
import { checkContact } from '../../src/conversation/contact-check.js';
import { classifierText, findContacts, maskContacts, trainingText } from '../../src/nlu/contacts.js';
import { NgramEncoder, PLACEHOLDER } from '../../src/nlu/encoders/ngram.js';
import type { ScamEntry } from '../../src/storage/index.js';

// Numbers, addresses and links read from a message, and what the sample knowledge base says of them.
const k = new Knowledge(loadKnowledge(path.join(ROOT, 'knowledge')));
const only = (text: string) => {
  const found = findContacts(text);
  expect(found, text).toHaveLength(1);
  return found[0];
};
const verdict = (text: string, scams: ScamEntry[] = []) => checkContact(k, only(text), scams);

/** Each official contact of the sample knowledge base, in the forms citizens write it: national and international. */
const OFFICIAL: [string, string[]][] = [
  ['031/370.111', ['031/370.111', '031 370 111', '031370111', '031 370111', '+39 031 370111', '+39031370111', '0039 031 370 111', '+39 (031) 370-111']],
  ['0332/277.111', ['0332/277.111', '0332 277 111', '0332277111', '+39 0332 277111', '+390332277111', '0039 0332 277.111']],
  ['urp@ats-insubria.it', ['urp@ats-insubria.it', 'URP@ATS-Insubria.it']],
  ['protocollo@pec.ats-insubria.it', ['protocollo@pec.ats-insubria.it', 'Protocollo@PEC.ats-insubria.it']],
];

/** Never confirmed: other numbers (one digit off included), look-alike addresses and domains. */
const UNKNOWN = [
  '031 370 112',
  '+39 0332 277110',
  '+34 600 000 000',
  '965 000 000',
  '+39 31 370111',
  'urp@ats-insubria.com',
  'urp@ats-insubria.it.example.com',
  'protocollo@pec-ats-insubria.it',
  'info@ats-insubria.it',
  'https://ats-insubria.it.example.com/login',
  'elche-pagos.com',
  'www.ats-insubria.com',
  'ats-lnsubria.it',
  'http://pec.ats-insubria.it-login.net/x',
];

describe('verified contacts: official ones recognised in every form', () => {
  it.each(OFFICIAL.flatMap(([value, forms]) => forms.map((form) => [value, form])))('%s as "%s"', (value, form) => {
    const v = verdict(`¿Es de verdad ${form}?`);
    expect(v.verdict).toBe('official');
    expect(v.verdict === 'official' && [v.org.id, v.contact.value]).toEqual(['ats-insubria', value]);
  });

  it('a link on the domain of the official addresses is the organisation\'s, and says so as such', () => {
    const v = verdict('è vero www.ats-insubria.it/albo?');
    expect(v).toMatchObject({ verdict: 'official_domain', domain: 'ats-insubria.it' });
  });
});

describe('verified contacts: unknown ones never confirmed', () => {
  it.each(UNKNOWN)('%s', (value) => {
    expect(verdict(`me escriben desde ${value}, ¿es oficial?`).verdict).toBe('unknown');
  });

  it('a scam number listed is a scam in any of its forms; a listed domain covers its subdomains and its addresses', () => {
    const scams: ScamEntry[] = [
      { id: 'a', org: 'elche', kind: 'phone', value: '+34600000000', written: '600 000 000', by: 'ana', at: '' },
      { id: 'b', org: 'ats-insubria', kind: 'domain', value: 'ats-insubria.com', written: 'ats-insubria.com', by: 'ana', at: '' },
    ];
    for (const form of ['600 000 000', '+34 600 00 00 00', '0034600000000']) expect(verdict(form, scams)).toMatchObject({ verdict: 'scam', scam: { id: 'a' } });
    for (const form of ['www.ats-insubria.com', 'urp@ats-insubria.com', 'https://login.ats-insubria.com/pay']) expect(verdict(form, scams)).toMatchObject({ verdict: 'scam', scam: { id: 'b' } });
    expect(verdict('601 000 000', scams).verdict).toBe('unknown');
  });
});

describe('finding contacts in a message', () => {
  it('finds numbers, addresses and links as written, and leaves times, dates, short numbers and abbreviations alone', () => {
    expect(findContacts('me llamaron del 031/370.111 y luego escribieron desde urp@ats-insubria.com con un enlace a https://elche-pagos.com/pago.')).toEqual([
      { kind: 'phone', value: '031/370.111' },
      { kind: 'email', value: 'urp@ats-insubria.com' },
      { kind: 'link', value: 'https://elche-pagos.com/pago', hostname: 'elche-pagos.com' },
    ]);
    for (const text of ['abre de 9:00 a 14:00 el 02/06/2025', 'llevo dies cridant al 012', 'p.ej. el padrón', '¿Está abierto.Es urgente', 'me han llamado del 96x xxx xxx', 'el 3.5% de 1000']) {
      expect(findContacts(text), text).toEqual([]);
    }
  });

  it('the classifier reads the message with a placeholder word where each of them was', () => {
    expect(maskContacts('mi número es 612 345 678, avísenme cuando abra Altabix')).toBe(`mi número es  ${PLACEHOLDER} , avísenme cuando abra Altabix`);
    expect(maskContacts('¿es real urp@ats-insubria.com?')).toBe(`¿es real  ${PLACEHOLDER} ?`);
    expect(maskContacts('¿abre el sábado?')).toBe('¿abre el sábado?');
    expect(classifierText('write to ana.garcia@example.com')).toBe(`write to ${PLACEHOLDER}`);
    // A training example teaches its own words: its contacts are left out.
    expect(trainingText('¿Es oficial el 031/370.111?')).toBe('es oficial el');
  });

  it('the placeholder has no feature of its own and weighs in the norm as a word does', () => {
    const encoder = new NgramEncoder();
    encoder.fit(['write to us', 'escriban a', PLACEHOLDER]);
    const plain = encoder.encode('write to');
    const held = encoder.encode(classifierText('write to ana.garcia@example.com'));
    // The same features, none of the placeholder's, each weighing less: the norm counts the placeholder.
    expect(held.indices).toEqual(plain.indices);
    expect(held.values.every((v, i) => v > 0 && v < plain.values[i])).toBe(true);
    // No bigram across it: "el <number> no contesta" is not "el no".
    encoder.fit(['el no']);
    expect(encoder.encode(classifierText('el 966 658 000 no')).indices.length).toBeLessThan(encoder.encode('el no').indices.length);
  });
});
