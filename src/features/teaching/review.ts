import { createHash } from 'node:crypto';
import { normalize } from '../../nlu/normalize.js';
import type { Unanswered } from '../../storage/index.js';

/** What the review list reads of the statistics (Stats.query): without importing Stats, which takes reviewId from here. */
interface UnansweredSource {
  query(from: string, to: string, orgs?: string[], untilToday?: boolean): Promise<{ unanswered: Unanswered[] }>;
}

/** One message the bot did not understand or was unsure of, with every time it came (same language and normalised text). */
export interface ReviewItem {
  id: string;
  /** The latest wording, redacted as the statistics keep it. */
  text: string;
  lang: string;
  count: number;
  channels: string[];
  orgs: string[];
  lastSeen: string;
  /** How the bot read it the last time: its intent (out_of_scope below the threshold), confidence and best guesses. */
  intent: string;
  confidence: number;
  guesses: { intent: string; confidence: number }[];
}

/** A review group's id: the same for the same language and normalised text, on every instance. */
export const reviewId = (lang: string, text: string) => createHash('sha256').update(`${lang}\n${normalize(text)}`).digest('hex').slice(0, 16);

/** Whether a review group is settled (taught or dismissed) for an organisation (undefined: for messages of none). */
export type Settled = (review: string, org: string | undefined) => boolean;

/**
 * The review list over the days from..to (until each organisation's own today, with
 * `untilToday`: Stats.query): the statistics' unanswered questions (redacted there), grouped,
 * most frequent first, without the groups settled (taught or dismissed) for every organisation
 * they were asked about.
 * @param orgs staff of some organisations: the questions asked in conversations about them only
 */
export async function reviewList(stats: UnansweredSource, days: { from: string; to: string; untilToday: boolean }, orgs: string[] | undefined, settled: Settled): Promise<ReviewItem[]> {
  const { unanswered } = await stats.query(days.from, days.to, orgs, days.untilToday);
  const groups = new Map<string, ReviewItem>();
  for (const u of unanswered) {
    if (!normalize(u.text)) continue;
    const id = reviewId(u.lang, u.text);
    const g = groups.get(id);
    if (!g) {
      groups.set(id, {
        id,
        text: u.text,
        lang: u.lang,
        count: 1,
        channels: u.channel ? [u.channel] : [],
        orgs: u.org ? [u.org] : [],
        lastSeen: u.at,
        intent: u.intent,
        confidence: u.confidence,
        guesses: u.guesses ?? [],
      });
      continue;
    }
    g.count++;
    if (u.channel && !g.channels.includes(u.channel)) g.channels.push(u.channel);
    if (u.org && !g.orgs.includes(u.org)) g.orgs.push(u.org);
    if (u.at >= g.lastSeen) Object.assign(g, { text: u.text, lastSeen: u.at, intent: u.intent, confidence: u.confidence, guesses: u.guesses ?? g.guesses });
  }
  const open = (g: ReviewItem) => (g.orgs.length ? !g.orgs.every((o) => settled(g.id, o)) : !settled(g.id, undefined));
  return [...groups.values()].filter(open).sort((a, b) => b.count - a.count || (a.lastSeen < b.lastSeen ? 1 : -1));
}
