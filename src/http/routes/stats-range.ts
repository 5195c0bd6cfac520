import { z } from 'zod';

/** Longer ranges are refused: a query reads one record per day (a range from 1900 would read some 45,000). */
export const MAX_STATS_DAYS = 366;
const DAY_MS = 86_400_000;

/** ?from=&to= (YYYY-MM-DD, inclusive): both default to today, a lone `to` starts the range too. */
export const statsRange = z
  .strictObject({
    from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD').optional(),
    to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD').optional(),
  })
  .transform((q, ctx) => {
    const to = q.to ?? new Date().toISOString().slice(0, 10);
    const from = q.from ?? to;
    const [a, b] = [Date.parse(`${from}T00:00:00Z`), Date.parse(`${to}T00:00:00Z`)];
    for (const [name, value, t] of [['from', from, a], ['to', to, b]] as const) {
      if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== value) ctx.addIssue({ code: 'custom', path: [name], message: `${value} is not a day of the calendar` });
    }
    if (b < a) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to comes before from' });
    else if ((b - a) / DAY_MS + 1 > MAX_STATS_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `a range of at most ${MAX_STATS_DAYS} days` });
    return { from, to };
  });
