import { afterEach, describe, expect, it, vi } from 'vitest';
import { localDay, LOW_MARGIN, Stats, type TurnRecord } from '../../src/features/insights/stats.js';
import { MemoryStats } from '../../src/storage/memory.js';
import { retention } from '../../src/storage/index.js';

// What the console's insights read: an organisation's questions in its own days, what they asked
// about, and which answers go to the review list.

const zones: Record<string, string> = { elche: 'Europe/Madrid', 'ats-insubria': 'Europe/Rome' };
const stats = () => new Stats(new MemoryStats(retention()), 0.5, 0, (org) => zones[org]);
const turn = (over: Partial<TurnRecord>): TurnRecord => ({ channel: 'web', intent: 'office_status', lang: 'es', confidence: 0.9, text: '¿Está abierta El Altet?', ...over });

afterEach(() => {
  vi.useRealTimers();
});

describe("an organisation's days", () => {
  it('are its time zone\'s: 23:30 UTC on 7 December is 8 December in Elche, and still the 7th in UTC', async () => {
    const s = stats();
    s.record(turn({ org: 'elche', office: 'elche-el-altet' }), new Date('2026-12-07T23:30:00Z'));
    s.record(turn({ org: 'elche', office: 'elche-el-altet' }), new Date('2026-12-08T10:00:00Z'));
    expect((await s.query('2026-12-08', '2026-12-08', ['elche'])).total).toBe(2);
    expect((await s.query('2026-12-07', '2026-12-07', ['elche'])).total).toBe(0);
    // Everything (admins, no organisation asked for): UTC days, as before.
    expect((await s.query('2026-12-07', '2026-12-07')).total).toBe(1);
    // Summer time: 22:30 UTC on 1 July is past midnight in Rome.
    expect(localDay(new Date('2026-07-01T22:30:00Z'), 'Europe/Rome')).toBe('2026-07-02');
    expect(localDay(new Date('2026-07-01T21:30:00Z'), 'Europe/Rome')).toBe('2026-07-01');
  });

  it("are remembered for a second only: a day's last second and the next day's first are two days", () => {
    // Rome in summer is UTC+2: its midnight is 22:00 UTC.
    expect(localDay(new Date('2026-07-01T21:59:59.000Z'), 'Europe/Rome')).toBe('2026-07-01');
    expect(localDay(new Date('2026-07-01T21:59:59.999Z'), 'Europe/Rome')).toBe('2026-07-01');
    expect(localDay(new Date('2026-07-01T22:00:00.000Z'), 'Europe/Rome')).toBe('2026-07-02');
    expect(localDay(new Date('2026-07-01T22:00:00.000Z'), 'Atlantic/Canary')).toBe('2026-07-01');
    expect(localDay(new Date('2026-07-01T21:59:59.999Z'), 'Europe/Rome')).toBe('2026-07-01');
  });

  it("reach the organisation's own today when no end is asked: at 23:30 UTC staff in Elche see the question just asked", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-07T23:30:00Z'));
    const s = stats();
    s.record(turn({ org: 'elche', office: 'elche-el-altet' }));
    expect((await s.query('2026-12-07', '2026-12-07', ['elche'], true)).total).toBe(1);
    // A day asked stays as asked.
    expect((await s.query('2026-12-07', '2026-12-07', ['elche'])).total).toBe(0);
  });

  it('without a time zone are UTC days', async () => {
    const s = stats();
    s.record(turn({ org: 'paiporta' }), new Date('2026-12-07T23:30:00Z'));
    expect((await s.query('2026-12-07', '2026-12-07', ['paiporta'])).total).toBe(1);
  });
});

describe('what was asked', () => {
  it('is grouped by intent and office or certificate, without text; not understood ones are apart', async () => {
    const s = stats();
    const at = new Date('2026-12-07T10:00:00Z');
    s.record(turn({ office: 'elche-el-altet' }), at);
    s.record(turn({ office: 'elche-el-altet', text: 'y el altet?' }), at);
    s.record(turn({ intent: 'certificate_request', certificate: 'padron' }), at);
    s.record(turn({ intent: 'contact_phone' }), at);
    s.record(turn({ intent: 'out_of_scope', confidence: 0.2, text: '¿Qué tiempo hará?' }), at);
    const day = await s.query('2026-12-07', '2026-12-07');
    expect(day.asked).toEqual({ 'office_status|elche-el-altet': 2, 'certificate_request|padron': 1, 'contact_phone|': 1 });
    expect(JSON.stringify(day.asked)).not.toContain('altet?');
    expect(day.unanswered.map((u) => u.text)).toEqual(['¿Qué tiempo hará?']);
  });
});

describe('the review list receives', () => {
  it('answers given with a near toss-up between the two best guesses, and no bare yes or no', async () => {
    const s = stats();
    const at = new Date('2026-12-07T10:00:00Z');
    const close = [
      { intent: 'office_status', confidence: 0.6 },
      { intent: 'incident_info', confidence: 0.6 - LOW_MARGIN + 0.05 },
    ];
    const clear = [
      { intent: 'office_status', confidence: 0.9 },
      { intent: 'incident_info', confidence: 0.05 },
    ];
    s.record(turn({ text: 'unsure', confidence: 0.6, guesses: close }), at);
    s.record(turn({ text: 'sure', confidence: 0.9, guesses: clear }), at);
    s.record(turn({ intent: 'out_of_scope', confidence: 0.9, text: 'vale', bareAnswer: true }), at);
    s.record(turn({ intent: 'out_of_scope', confidence: 0.9, text: 'vale, y el padrón' }), at);
    expect((await s.query('2026-12-07', '2026-12-07')).unanswered.map((u) => u.text)).toEqual(['unsure', 'vale, y el padrón']);
  });
});
