import { redact } from '../../privacy/redact.js';
import { reviewId } from '../teaching/review.js';
import { COUNTED, MAX_UNANSWERED_PER_DAY, emptyDay as empty, type DayStats, type StatsRepository } from '../../storage/index.js';

export interface TurnRecord {
  channel: string;
  intent: string;
  office?: string;
  /** The certificate asked about: with the intent and office, what the question was about. */
  certificate?: string;
  /** Only a yes or a no ("vale", "ok"): nothing to teach, so never on the review list. */
  bareAnswer?: boolean;
  lang: string;
  confidence: number;
  text: string;
  /** The conversation's organisation: also counted under `<day>@<org>`, what staff of that organisation see. */
  org?: string;
  /** The NLU's best guesses, kept with an unanswered question for the review list. */
  guesses?: { intent: string; confidence: number }[];
  /** The conversation (`<channel>:<session>`) and the client's address: only for the caps below, never kept. */
  from?: string;
  client?: string;
}

/**
 * Unanswered texts one conversation, and one address, add per day (per instance): the same text
 * again from the same conversation adds nothing, so the review list's counts are conversations,
 * and one junk sender cannot push every real question out of the day's 500.
 */
export const MAX_UNANSWERED_PER_CONVERSATION = 5;
export const MAX_UNANSWERED_PER_CLIENT = 50;
/** The day's tallies are dropped past this many conversations or addresses: memory stays bounded under a flood of new sessions. */
const MAX_TALLIED = 100_000;

const bump = (m: Record<string, number>, k: string | undefined, n = 1) => {
  if (k) m[k] = (m[k] ?? 0) + n;
};

/**
 * Below this difference between the best two guesses, an answer was a near toss-up: it goes to the
 * review list too, though answered. On the held-out and validation messages (546) it flags 1.0% of
 * the answers given at 0.5 or more, among them 1 of the 5 wrong ones (the others were confidently wrong).
 */
export const LOW_MARGIN = 0.3;
const margin = (guesses: TurnRecord['guesses']) => (guesses && guesses.length > 1 ? guesses[0].confidence - guesses[1].confidence : 1);

/**
 * The day (YYYY-MM-DD) in a time zone. Formatters are cached (building one cost ~50 µs here), and
 * so is each zone's last answer for its second: formatToParts alone was 2% of a chat request's
 * main-thread time, for a day that changes once a day (no time zone's offset has a fraction of a second).
 */
const dayFormats = new Map<string, { format: Intl.DateTimeFormat; second: number; day: string }>();
export function localDay(at: Date, timeZone: string): string {
  let zone = dayFormats.get(timeZone);
  if (!zone) dayFormats.set(timeZone, (zone = { format: new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }), second: NaN, day: '' }));
  const second = Math.floor(at.getTime() / 1000);
  if (second !== zone.second) {
    const parts = Object.fromEntries(zone.format.formatToParts(at).map((p) => [p.type, p.value]));
    [zone.second, zone.day] = [second, `${parts.year}-${parts.month}-${parts.day}`];
  }
  return zone.day;
}

/** Adds counts into others (a query's total over several days). */
function merge(into: DayStats, add: DayStats): void {
  into.total += add.total;
  for (const k of COUNTED) for (const [key, n] of Object.entries(add[k])) bump(into[k], key, n);
  into.unanswered = [...into.unanswered, ...add.unanswered];
}

/**
 * Questions per intent, office, language and channel, by day. Unanswered or low-confidence
 * questions are kept with personal data redacted. Counted in memory, flushed to the store as
 * increments (several instances add to the same day); a flush the store refused is kept for the next.
 */
export class Stats {
  private buffer = new Map<string, DayStats>();
  private timer?: NodeJS.Timeout;
  constructor(
    private readonly store: StatsRepository,
    private readonly lowConfidence = 0.5,
    flushEveryMs = 5000,
    /** An organisation's time zone: its questions are counted in its own days (staff's "today"); none: UTC. */
    private readonly timeZoneOf: (org: string) => string | undefined = () => undefined,
  ) {
    if (flushEveryMs > 0) {
      this.timer = setInterval(() => void this.flush(), flushEveryMs);
      this.timer.unref();
    }
  }

  /** The UTC day of the last question recorded and its bounds (toISOString costs ~1 µs a call). */
  private day = { name: '', from: 0, to: 0 };
  /** Today's unanswered texts by conversation (their review ids) and counts by address. */
  private tally = { day: '', conversations: new Map<string, Set<string>>(), clients: new Map<string, number>() };

  private dayOf(at: Date): string {
    const t = at.getTime();
    if (!(t >= this.day.from && t < this.day.to)) {
      const from = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
      this.day = { name: at.toISOString().slice(0, 10), from, to: from + 86_400_000 };
    }
    return this.day.name;
  }

  record(turn: TurnRecord, at = new Date()): void {
    const day = this.dayOf(at);
    // A question answered unsure (out of scope, low confidence, a near toss-up) is kept redacted for
    // review, once for the day and once for the conversation's organisation, within the caps.
    const unsure = turn.intent === 'out_of_scope' || turn.confidence < this.lowConfidence || margin(turn.guesses) < LOW_MARGIN;
    const redacted = unsure && !turn.bareAnswer ? redact(turn.text, 200) : undefined;
    const text = redacted !== undefined && this.mayKeep(day, turn, redacted) ? redacted : undefined;
    this.count(day, turn, at, text);
    if (turn.org) {
      const zone = this.timeZoneOf(turn.org);
      this.count(`${zone ? localDay(at, zone) : day}@${turn.org}`, turn, at, text);
    }
  }

  /** Whether this conversation and address may add this text today (counting it when they may). */
  private mayKeep(day: string, turn: TurnRecord, text: string): boolean {
    if (this.tally.day !== day || this.tally.conversations.size > MAX_TALLIED || this.tally.clients.size > MAX_TALLIED) {
      this.tally = { day, conversations: new Map(), clients: new Map() };
    }
    const { conversations, clients } = this.tally;
    const said = turn.from ? (conversations.get(turn.from) ?? new Set<string>()) : undefined;
    const id = reviewId(turn.lang, text);
    if (said && (said.has(id) || said.size >= MAX_UNANSWERED_PER_CONVERSATION)) return false;
    const fromClient = turn.client ? (clients.get(turn.client) ?? 0) : 0;
    if (fromClient >= MAX_UNANSWERED_PER_CLIENT) return false;
    if (said && turn.from) conversations.set(turn.from, said.add(id));
    if (turn.client) clients.set(turn.client, fromClient + 1);
    return true;
  }

  /** @param text the unanswered question's redacted text, when it is kept */
  private count(day: string, turn: TurnRecord, at: Date, text: string | undefined): void {
    const s = this.buffer.get(day) ?? empty();
    s.total++;
    bump(s.intents, turn.intent);
    bump(s.offices, turn.office);
    bump(s.langs, turn.lang);
    bump(s.channels, turn.channel);
    if (turn.intent !== 'out_of_scope') bump(s.asked, `${turn.intent}|${turn.office ?? turn.certificate ?? ''}`);
    if (text !== undefined && s.unanswered.length < MAX_UNANSWERED_PER_DAY) {
      s.unanswered.push({
        at: at.toISOString(),
        lang: turn.lang,
        intent: turn.intent,
        confidence: turn.confidence,
        text,
        channel: turn.channel,
        ...(turn.org ? { org: turn.org } : {}),
        ...(turn.guesses ? { guesses: turn.guesses.map((g) => ({ intent: g.intent, confidence: Math.round(g.confidence * 1000) / 1000 })) } : {}),
      });
    }
    this.buffer.set(day, s);
  }

  async flush(): Promise<void> {
    const days = [...this.buffer];
    this.buffer.clear();
    await Promise.all(
      days.map(([day, add]) =>
        this.store.add(day, add).catch(() => {
          // Not counted (the store is unreachable): back into the buffer, for the next flush.
          const s = this.buffer.get(day) ?? empty();
          merge(s, add);
          s.unanswered = s.unanswered.slice(-MAX_UNANSWERED_PER_DAY);
          this.buffer.set(day, s);
        }),
      ),
    );
  }

  /**
   * Totals over the days from..to (YYYY-MM-DD, inclusive): UTC days; with `orgs`, of the questions
   * about those organisations only, in each one's own days (its time zone). `untilToday`: the range
   * ends today (no day was asked), an organisation's own today, which east of UTC begins before
   * UTC's (at 23:30 UTC it is already tomorrow in Elche).
   */
  async query(from: string, to: string, orgs?: string[], untilToday = false): Promise<DayStats & { from: string; to: string }> {
    await this.flush();
    const out = { from, to, ...empty() };
    for (const org of orgs ?? [undefined]) {
      const zone = org && untilToday ? this.timeZoneOf(org) : undefined;
      const last = zone ? localDay(new Date(), zone) : to;
      for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${last > to ? last : to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
        const day = d.toISOString().slice(0, 10);
        const s = await this.store.day(org ? `${day}@${org}` : day);
        if (s) merge(out, s);
      }
    }
    return out;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
