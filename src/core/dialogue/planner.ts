import { createHash } from 'node:crypto';
import { lines, sentences } from './context.js';
import type { Answer, Session } from './types.js';

/**
 * A reply in the planner's order: the answer to what was asked first (yes, no or "I don't know"
 * only to a yes/no question, and only from a fact), then the next step (the contact or channel
 * that serves this topic), then at most one line of context. A question asked again gets what
 * was not said yet, or says plainly that this is all the bot knows.
 */
export function render(answer: Answer, previous: Session, asked: string, allKnown: string): { text: string; said: string[] } {
  const parts = [answer.text, answer.next, answer.context].filter((p): p is string => !!p);
  const said = parts.flatMap(split).map(fingerprint);
  if (previous.asked !== asked || !previous.said?.length) return { text: lines(...parts), said };
  // The same question again: only what the last reply did not say.
  const before = new Set(previous.said);
  const fresh = parts
    .flatMap((p) => p.split('\n'))
    .map((line) => sentences(...split(line).filter((s) => !before.has(fingerprint(s)))))
    .filter(Boolean);
  const text = fresh.length > 0 ? lines(...fresh) : lines(allKnown, answer.next);
  return { text, said: [...new Set([...previous.said, ...said])] };
}

/** What identifies a question: the same intent about the same thing, place and channel. */
export function questionKey(parts: (string | undefined)[]): string {
  return parts.map((p) => p ?? '').join('|');
}

/** Sentences of a reply part: the units the planner compares (list items count as sentences). */
const split = (text: string) => text.split(/(?<=[.!?])\s+|\n/).filter((s) => s.trim());

// A short digest, not the sentence: the session keeps what the bot said without keeping its text.
const fingerprint = (sentence: string) => createHash('sha256').update(sentence.trim()).digest('base64url').slice(0, 12);
