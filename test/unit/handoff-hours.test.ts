import { describe, expect, it } from 'vitest';
import { organisationSchema } from '../../src/knowledge/schema.js';
import { staffAvailable, staffHours } from '../../src/features/handoff/hours.js';
import { loadTexts } from '../../src/shared/i18n.js';
import { ROOT } from '../../src/config.js';

/** A test organisation of its own (the sample gives no hours): staff on weekday mornings and Tuesday afternoons, in Madrid. */
const org = (handoff: object, extra: object = {}) => organisationSchema.parse({ id: 'villa', name: { es: 'Ayuntamiento de Villa' }, timeZone: 'Europe/Madrid', handoff, ...extra });
const hours = { mon: ['09:00-14:00'], tue: ['09:00-14:00', '16:00-18:00'], wed: ['09:00-14:00'], thu: ['09:00-14:00'], fri: ['09:00-14:00'] };

describe('hand-over hours', () => {
  it("counts the hours in the organisation's time zone, the end excluded", () => {
    const o = org({ enabled: true, hours });
    // Monday 2 June 2025: Madrid is UTC+2.
    expect(staffAvailable(o, new Date('2025-06-02T06:59:00Z'))).toBe(false); // 08:59
    expect(staffAvailable(o, new Date('2025-06-02T07:00:00Z'))).toBe(true); // 09:00
    expect(staffAvailable(o, new Date('2025-06-02T11:59:00Z'))).toBe(true); // 13:59
    expect(staffAvailable(o, new Date('2025-06-02T12:00:00Z'))).toBe(false); // 14:00
    expect(staffAvailable(o, new Date('2025-06-03T14:30:00Z'))).toBe(true); // Tuesday 16:30
    expect(staffAvailable(o, new Date('2025-06-07T08:00:00Z'))).toBe(false); // Saturday
    // In winter Madrid is UTC+1: 08:30 UTC is 09:30 there.
    expect(staffAvailable(o, new Date('2025-01-13T08:30:00Z'))).toBe(true);
  });

  it('no hours: at any time; disabled: never', () => {
    expect(staffAvailable(org({ enabled: true }), new Date('2025-06-07T03:00:00Z'))).toBe(true);
    expect(staffAvailable(org({ enabled: false, hours }), new Date('2025-06-02T08:00:00Z'))).toBe(false);
    expect(staffAvailable(org({}), new Date('2025-06-02T08:00:00Z'))).toBe(false);
  });

  it('says when staff are there in each language, days with the same hours together', async () => {
    const texts = await loadTexts(`${ROOT}/locales`);
    const o = org({ enabled: true, hours });
    expect(staffHours(o, 'es', texts.t('es'))).toBe('lunes, miércoles, jueves y viernes, de 09:00 a 14:00; martes, de 09:00 a 14:00 y de 16:00 a 18:00');
    expect(staffHours(o, 'en', texts.t('en'))).toBe('Monday, Wednesday, Thursday and Friday, 09:00 to 14:00; Tuesday, 09:00 to 14:00 and 16:00 to 18:00');
    expect(staffHours(org({ enabled: true }), 'es', texts.t('es'))).toBeUndefined();
  });

  it('refuses hours without a time zone, a range that ends before it starts, an unknown time zone', () => {
    const bad = [
      { timeZone: undefined, handoff: { enabled: true, hours } },
      { handoff: { enabled: true, hours: { mon: ['14:00-09:00'] } } },
      { handoff: { enabled: true, hours: { mon: ['9-14'] } } },
      { timeZone: 'Europe/Nowhere', handoff: { enabled: true } },
      { handoff: { enabled: true, hours: { someday: ['09:00-14:00'] } } },
    ];
    for (const extra of bad) {
      const parsed = organisationSchema.safeParse({ id: 'villa', name: { es: 'Villa' }, timeZone: 'Europe/Madrid', ...extra });
      expect(parsed.success, JSON.stringify(extra)).toBe(false);
    }
    expect(org({ enabled: true, telegramChatId: -1001234 }).handoff.telegramChatId).toBe('-1001234');
  });
});
