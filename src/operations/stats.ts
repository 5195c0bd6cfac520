import type Keyv from 'keyv';
import { redact } from './redact.js';
import { Serial } from '../storage/serial.js';

export interface TurnRecord {
  channel: string;
  intent: string;
  office?: string;
  lang: string;
  confidence: number;
  text: string;
}

interface DayStats {
  total: number;
  intents: Record<string, number>;
  offices: Record<string, number>;
  langs: Record<string, number>;
  channels: Record<string, number>;
  unanswered: { at: string; lang: string; intent: string; confidence: number; text: string }[];
}

const empty = (): DayStats => ({ total: 0, intents: {}, offices: {}, langs: {}, channels: {}, unanswered: [] });
const bump = (m: Record<string, number>, k: string | undefined, n = 1) => {
  if (k) m[k] = (m[k] ?? 0) + n;
};
const MAX_UNANSWERED_PER_DAY = 500;

/** Adds counts into others, keeping at most `keep` unanswered questions (the latest). */
function merge(into: DayStats, add: DayStats, keep = Infinity): void {
  into.total += add.total;
  for (const k of ['intents', 'offices', 'langs', 'channels'] as const) for (const [key, n] of Object.entries(add[k])) bump(into[k], key, n);
  into.unanswered = [...into.unanswered, ...add.unanswered].slice(-keep);
}

/**
 * Questions per intent, office, language and channel, by day. Unanswered or low-confidence
 * questions are kept with personal data redacted. Counted in memory, flushed to the store.
 */
export class Stats {
  private buffer = new Map<string, DayStats>();
  private timer?: NodeJS.Timeout;
  /** The timer's flush and a query's flush must not both rewrite a day's record. */
  private readonly flushes = new Serial();

  constructor(
    private readonly store: Keyv,
    private readonly lowConfidence = 0.5,
    flushEveryMs = 5000,
  ) {
    if (flushEveryMs > 0) {
      this.timer = setInterval(() => void this.flush().catch(() => {}), flushEveryMs);
      this.timer.unref();
    }
  }

  /** The UTC day of the last question recorded and its bounds (toISOString costs ~1 µs a call). */
  private day = { name: '', from: 0, to: 0 };

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
    const s = this.buffer.get(day) ?? empty();
    s.total++;
    bump(s.intents, turn.intent);
    bump(s.offices, turn.office);
    bump(s.langs, turn.lang);
    bump(s.channels, turn.channel);
    if ((turn.intent === 'out_of_scope' || turn.confidence < this.lowConfidence) && s.unanswered.length < MAX_UNANSWERED_PER_DAY) {
      s.unanswered.push({ at: at.toISOString(), lang: turn.lang, intent: turn.intent, confidence: turn.confidence, text: redact(turn.text, 200) });
    }
    this.buffer.set(day, s);
  }

  flush(): Promise<void> {
    const days = [...this.buffer];
    this.buffer.clear();
    return this.flushes.run(async () => {
      for (const [day, add] of days) {
        const s: DayStats = (await this.store.get(day)) ?? empty();
        merge(s, add, MAX_UNANSWERED_PER_DAY);
        await this.store.set(day, s);
      }
    });
  }

  /** Totals over the days from..to (YYYY-MM-DD, inclusive). */
  async query(from: string, to: string): Promise<DayStats & { from: string; to: string }> {
    await this.flush();
    const out = { from, to, ...empty() };
    for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
      const s: DayStats | undefined = await this.store.get(d.toISOString().slice(0, 10));
      if (s) merge(out, s);
    }
    return out;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
