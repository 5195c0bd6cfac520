import { describe, expect, it } from 'vitest';
import { freshestLang, restamp, staleLangs } from '../../src/knowledge/freshness.js';

const T1 = '2026-12-01T09:00:00.000Z';
const T2 = '2026-12-01T10:00:00.000Z';
const T3 = '2026-12-01T11:00:00.000Z';

describe('translation freshness', () => {
  it("texts of the files (no stamps) are all current; an edit of one language makes the others stale", () => {
    const before = { es: 'Cerrada.', ca: 'Tancada.', en: 'Closed.' };
    expect(staleLangs(before, undefined)).toEqual([]);
    const after = { es: 'Reabre el lunes.', ca: 'Tancada.', en: 'Closed.' };
    const written = restamp(before, after, {}, T1);
    expect(written).toEqual({ es: T1 });
    expect(staleLangs(after, written)).toEqual(['ca', 'en']);
    expect(freshestLang(after, written)).toBe('es');
  });

  it('an edit of a stale language is its translation brought up to date; an edit of a current one is a new change', () => {
    const text = { es: 'Reabre el lunes.', ca: 'Tancada.', en: 'Closed.' };
    const written = { es: T1 };
    const translated = { ...text, ca: 'Reobri dilluns.' };
    const caught = restamp(text, translated, written, T2);
    expect(caught).toEqual({ es: T1, ca: T1 });
    expect(staleLangs(translated, caught)).toEqual(['en']);
    // A new change in Valencian: Spanish and English were written before it.
    const changed = { ...translated, ca: 'Reobri dimarts.' };
    const again = restamp(translated, changed, caught, T3);
    expect(again).toEqual({ es: T1, ca: T3 });
    expect(staleLangs(changed, again)).toEqual(['es', 'en']);
  });

  it('a translation added is as fresh as the freshest; an emptied language is no longer stamped nor stale', () => {
    const text = { es: 'Reabre el lunes.', ca: 'Tancada.' };
    const written = { es: T2 };
    const added = restamp(text, { ...text, sv: 'Öppnar igen på måndag.' }, written, T3);
    expect(added).toEqual({ es: T2, sv: T2 });
    const emptied = restamp(text, { es: text.es, ca: '' }, written, T3);
    expect(emptied).toEqual({ es: T2 });
    expect(staleLangs({ es: text.es, ca: '' }, emptied)).toEqual([]);
  });

  it('languages edited together are equally fresh', () => {
    const before = { es: 'Cerrada.', ca: 'Tancada.' };
    const after = { es: 'Abierta.', ca: 'Oberta.' };
    const written = restamp(before, after, {}, T1);
    expect(written).toEqual({ es: T1, ca: T1 });
    expect(staleLangs(after, written)).toEqual([]);
  });
});
