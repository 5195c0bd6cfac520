import { z } from 'zod';

/** Longer ranges are refused: a query reads one record per day (a range from 1900 would read some 45,000). */
export const MAX_STATS_DAYS = 366;
const DAY_MS = 86_400_000;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD').optional();

/** Both days default to today, a lone `to` starts the range too; refused: a day not of the calendar, backwards, too long. */
function days(q: { from?: string; to?: string }, ctx: z.RefinementCtx): { from: string; to: string; untilToday: boolean } {
  const to = q.to ?? new Date().toISOString().slice(0, 10);
  const from = q.from ?? to;
  const [a, b] = [Date.parse(`${from}T00:00:00Z`), Date.parse(`${to}T00:00:00Z`)];
  for (const [name, value, t] of [['from', from, a], ['to', to, b]] as const) {
    if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== value) ctx.addIssue({ code: 'custom', path: [name], message: `${value} is not a day of the calendar` });
  }
  if (b < a) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to comes before from' });
  else if ((b - a) / DAY_MS + 1 > MAX_STATS_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `a range of at most ${MAX_STATS_DAYS} days` });
  // No end asked: today, each organisation's own (Stats.query).
  return { from, to, untilToday: q.to === undefined };
}

/** ?from=&to= (YYYY-MM-DD, inclusive). */
export const statsRange = z.strictObject({ from: day, to: day }).transform(days);

/** The statistics' query: the range, and optionally one organisation (its questions, in its own days). */
export const statsQuery = z
  .strictObject({
    from: day,
    to: day,
    org: z
      .string()
      .regex(/^[a-z0-9-]{1,100}$/, 'an organisation id')
      .optional()
      .describe("Only the questions about this organisation, each day in its time zone (organisations.yaml's timeZone); without it, every question of my organisations"),
  })
  .transform((q, ctx) => ({ ...days(q, ctx), ...(q.org ? { org: q.org } : {}) }));
