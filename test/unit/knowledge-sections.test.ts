import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../src/config.js';
import { diffKnowledge } from '../../src/knowledge/diff.js';
import { knowledgeFiles } from '../../src/knowledge/files.js';
import { loadKnowledge } from '../../src/knowledge/loader.js';
import { changedOrgs, sectionOf, withSection } from '../../src/knowledge/sections.js';
import { checkKnowledge, checkSection, tidy } from '../../src/knowledge/validate.js';

// The pieces of #32 that need no store: an organisation's part of the knowledge, the checks, the diff, the files.

const kb = loadKnowledge(path.join(ROOT, 'knowledge'));
const rules = { langs: ['ca', 'en', 'es', 'it', 'sv'], defaultLang: 'es' };

describe("an organisation's facts", () => {
  it('are replaced where they stood, every other organisation\'s facts as they were', () => {
    const paiporta = sectionOf(kb, 'paiporta')!;
    const next = withSection(kb, 'paiporta', { ...paiporta, offices: [] });
    expect(next.offices.map((o) => o.id)).toEqual(kb.offices.filter((o) => o.organisation !== 'paiporta').map((o) => o.id));
    expect(next.organisations.map((o) => o.id)).toEqual(kb.organisations.map((o) => o.id));
    expect(changedOrgs(kb, next)).toEqual(['paiporta']);
    expect(withSection(kb, 'paiporta', paiporta)).toEqual(kb);
  });

  it('the sample passes every check; the checks read phone numbers in the organisation\'s country', () => {
    expect(checkKnowledge(kb, rules)).toEqual([]);
    const ats = sectionOf(kb, 'ats-insubria')!;
    const contact = (value: string) => ({ ...ats, organisation: { ...ats.organisation, contacts: [{ type: 'phone' as const, value, label: {} }] } });
    expect(checkSection(contact('0332/277.111'), 'ats-insubria', kb, rules)).toEqual([]);
    expect(checkSection(contact('+34 960 00 00 00'), 'ats-insubria', kb, rules)).toEqual([]); // international: any country
    expect(checkSection(contact('0332/2'), 'ats-insubria', kb, rules)).toMatchObject([{ path: 'organisation.contacts.0.value', code: 'phone' }]);
    // An id another organisation uses is taken.
    expect(checkSection({ ...ats, offices: [{ ...ats.offices[0], id: 'elche-centro' }, ats.offices[1]] }, 'ats-insubria', kb, rules)).toContainEqual(expect.objectContaining({ path: 'offices.0.id', code: 'taken' }));
  });

  it('keep no empty language, and no blank line of a list', () => {
    expect(tidy({ name: { es: ' Oficina ', ca: '', en: '  ' }, steps: { es: ['Uno', '', ' Dos '] }, value: ' 96 ' })).toEqual({ name: { es: 'Oficina' }, steps: { es: ['Uno', 'Dos'] }, value: '96' });
  });

  it('differ field by field, in words', () => {
    const paiporta = sectionOf(kb, 'paiporta')!;
    const office = { ...paiporta.offices[0], hours: { es: 'De 9:00 a 14:00' } };
    const next = withSection(kb, 'paiporta', { ...paiporta, offices: [office] });
    expect(diffKnowledge(kb, next)).toEqual([{ kind: 'office', id: office.id, org: 'paiporta', change: 'changed', fields: [{ field: 'hours.es', before: '', after: 'De 9:00 a 14:00' }] }]);
    expect(diffKnowledge(kb, next, ['elche'])).toEqual([]);
  });

  it('are written as the files of knowledge/, the same facts always as the same bytes', () => {
    const files = knowledgeFiles(kb);
    expect(Object.keys(files).sort()).toEqual(['offices.yaml', 'organisations.yaml', 'procedures.yaml', 'services.yaml']);
    expect(knowledgeFiles(structuredClone(kb))).toEqual(files);
    expect(files['offices.yaml']).not.toContain('reopened: false'); // what its absence gives is left out
  });
});
