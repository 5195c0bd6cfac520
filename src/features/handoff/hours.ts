import { WEEKDAYS, type Lang, type Organisation, type Weekday } from '../../knowledge/schema.js';
import { listOf } from '../../conversation/context.js';
import type { Translate } from '../../shared/i18n.js';

// One formatter per time zone (building one costs ~70 µs; a turn that asks for a person reads one).
const clocks = new Map<string, Intl.DateTimeFormat>();

/** The weekday and "HH:MM" at `at` in a time zone. */
function localTime(at: Date, timeZone: string): { day: Weekday; time: string } {
  let clock = clocks.get(timeZone);
  if (!clock) clocks.set(timeZone, (clock = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })));
  const parts = Object.fromEntries(clock.formatToParts(at).map((p) => [p.type, p.value]));
  return { day: String(parts.weekday).toLowerCase().slice(0, 3) as Weekday, time: `${parts.hour}:${parts.minute}` };
}

/** Whether the organisation's staff take hand-overs at `at`: enabled, and within its hours (none given: at any time). */
export function staffAvailable(org: Organisation, at: Date): boolean {
  const { enabled, hours } = org.handoff;
  if (!enabled) return false;
  if (!hours) return true;
  const { day, time } = localTime(at, org.timeZone!);
  return (hours[day] ?? []).some((range) => range.slice(0, 5) <= time && time < range.slice(6));
}

// 1 January 2024 was a Monday: its week gives each weekday's name in a language.
const MONDAY = Date.UTC(2024, 0, 1, 12);
const dayName = (day: Weekday, lang: Lang) =>
  new Intl.DateTimeFormat(lang, { weekday: 'long', timeZone: 'UTC' }).format(new Date(MONDAY + WEEKDAYS.indexOf(day) * 86_400_000));

/**
 * When staff are there, in the citizen's language: days with the same hours together, in week
 * order ("lunes, martes y miércoles, de 09:00 a 14:00; jueves, de 16:00 a 18:00"); undefined when
 * hand-over has no hours.
 */
export function staffHours(org: Organisation, lang: Lang, t: Translate): string | undefined {
  const hours = org.handoff.hours;
  if (!hours) return undefined;
  const groups = new Map<string, Weekday[]>();
  for (const day of WEEKDAYS) {
    const ranges = hours[day];
    if (!ranges?.length) continue;
    const key = ranges.join(',');
    groups.set(key, [...(groups.get(key) ?? []), day]);
  }
  return [...groups]
    .map(([key, days]) => {
      const ranges = listOf(key.split(',').map((r) => t('handoff.range', { from: r.slice(0, 5), to: r.slice(6) })), lang);
      return t('handoff.days', { days: listOf(days.map((d) => dayName(d, lang)), lang), ranges });
    })
    .join('; ');
}
