import type { Lang, Text } from '../../knowledge/schema.js';
import { intlLocale } from '../../shared/languages.js';

/** A staff text in one language, and which: the page marks (and tags with `lang`) one shown in another. */
export interface Written {
  text: string;
  lang: Lang;
}

/**
 * A text staff wrote in some languages: the reader's, else the organisation's language's, else the
 * first there is (the fallback the bot's answers use for office notes).
 */
export function pick(text: Text | undefined, lang: Lang, orgLang?: Lang): Written | undefined {
  if (!text) return undefined;
  const order = [lang, ...(orgLang ? [orgLang] : []), ...Object.keys(text)];
  const found = order.find((l) => text[l]?.trim());
  return found ? { text: text[found]!.trim(), lang: found } : undefined;
}

export const capitalize = (s: string) => s.charAt(0).toLocaleUpperCase() + s.slice(1);

// A DateTimeFormat takes ~70 µs to build: one per language, time zone and style.
const formats = new Map<string, Intl.DateTimeFormat>();
function format(lang: Lang, timeZone: string, style: 'moment' | 'day' | 'when'): Intl.DateTimeFormat {
  const key = `${lang}:${timeZone}:${style}`;
  let f = formats.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      style === 'day'
        ? { dateStyle: 'full', timeZone: 'UTC' }
        : { ...(style === 'when' ? { weekday: 'long' as const } : {}), day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short' };
    formats.set(key, (f = new Intl.DateTimeFormat(intlLocale(lang), options)));
  }
  return f;
}

/** When something happened, in the reader's language and the organisation's time zone, the zone named (a reader may be abroad). */
export function moment(iso: string, lang: Lang, timeZone = 'UTC'): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : format(lang, timeZone, 'moment').format(d);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An expected return: a date (YYYY-MM-DD) or a date and time with its offset in the reader's
 * format (with the machine-readable value for <time>), else the words staff gave, as written.
 */
export function expectedWhen(value: string | Text | undefined, lang: Lang, orgLang?: Lang, timeZone = 'UTC'): (Written & { datetime?: string }) | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') return pick(value, lang, orgLang);
  const d = DATE.test(value) ? new Date(`${value}T00:00:00Z`) : DATE_TIME.test(value) ? new Date(value) : undefined;
  if (d && !Number.isNaN(d.getTime())) return { text: format(lang, timeZone, DATE.test(value) ? 'day' : 'when').format(d), lang, datetime: value };
  return { text: value, lang: orgLang ?? lang };
}
