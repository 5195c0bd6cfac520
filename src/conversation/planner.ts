import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { lines, sentences } from './context.js';
import type { Answer } from './types.js';
import type { Session } from '../domain/types.js';

/** What the planner knows of the turn besides its answer. */
export interface Turn {
  /** What identifies the question (questionKey). */
  asked: string;
  /** "That's all I know about this." in the reply's language. */
  allKnown: string;
  /** It is a yes/no question. */
  yesNo: boolean;
  /** It asks for more ("¿algo más?"): where to ask more. */
  more?: string;
  /** Where to ask, when the answer has no next step. */
  where?: () => string | undefined;
}

/**
 * A reply in the planner's order: the answer to what was asked first (yes, no or "I don't know"
 * only to a yes/no question, and only from a fact), then the next step (the contact or channel
 * that serves this topic), then at most one line of context. A question asked again gets what
 * was not said yet, or says plainly that this is all the bot knows.
 */
export function render(answer: Answer, previous: Session, turn: Turn): { text: string; said: string[] } {
  const { asked, allKnown, yesNo, more, where } = turn;
  const parts = [answer.text, answer.next, answer.context].filter((p): p is string => !!p);
  const said = parts.flatMap(split).map(fingerprint);
  const before = new Set(previous.said);
  // The lines of the reply with only the sentences not said before (or kept anyway).
  const unsaid = (kept = new Set<string>()) =>
    parts
      .flatMap((p) => p.split('\n'))
      .map((line) => sentences(...split(line).filter((s) => kept.has(fingerprint(s)) || !before.has(fingerprint(s)))))
      .filter(Boolean);
  if (more !== undefined) {
    // "¿Algo más?": only what the last replies did not say, and where to ask more (`more`); nothing
    // left, that this is all the bot knows, and where to ask.
    const fresh = unsaid();
    const channel = fresh.some((line) => more.includes(line)) ? undefined : more;
    return { text: fresh.length > 0 ? lines(...fresh, channel) : lines(allKnown, more), said: [...new Set([...before, ...said])] };
  }
  // A bare "Sí." is no answer alone: with the sentence that says what it is yes to.
  const [first = '', second = ''] = split(answer.text);
  const lead = first.length <= SHORT ? sentences(first, second) : first;
  // Another question, or the same one answered otherwise now (the facts changed): the whole answer,
  // unless a yes/no question gets the last reply again ("¿vale un correo normal?" after the PEC):
  // that reply has no answer to it, and saying it again would hide that.
  const again = yesNo && said.every((s) => before.has(s)) && !lead.endsWith(':');
  if ((previous.asked !== asked && !again) || !before.has(fingerprint(first))) return { text: lines(...parts), said };
  // The same question again, or another with the same reply: the direct answer (its first sentence)
  // once more, then only what the last reply did not say, or that this is all the bot knows.
  const fresh = unsaid(new Set(split(lead).map(fingerprint)));
  const text = fresh.join('\n') !== lead ? fresh.join('\n') : lines(sentences(lead, allKnown), answer.next ?? where?.());
  return { text, said: [...new Set([...before, ...said])] };
}

/** What identifies a question: the same intent about the same thing, place and channel. */
export function questionKey(parts: (string | undefined)[]): string {
  return parts.map((p) => p ?? '').join('|');
}

/** A first sentence this short ("Sí.", "No.") is said with the next one. */
const SHORT = 4;

/** Sentences of a reply part: the units the planner compares (list items count as sentences). */
const split = (text: string) => text.split(/(?<=[.!?])\s+|\n/).filter((s) => s.trim());

// A short digest, not the sentence: the session keeps what the bot said without keeping its text.
// The bot says the same sentences again and again: their digests are remembered (a few per reply, ~2 µs each).
const digests = new LRUCache<string, string>({ max: 5000 });
const fingerprint = (sentence: string) => {
  let digest = digests.get(sentence);
  if (digest === undefined) digests.set(sentence, (digest = createHash('sha256').update(sentence.trim()).digest('base64url').slice(0, 12)));
  return digest;
};
