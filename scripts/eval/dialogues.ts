import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

/**
 * Conversations written by native speakers from domain.md alone, each turn with what a good reply
 * must hold (test/fixtures/heldout-dialogues/<lang>.jsonl, frozen; test/fixtures/dev-dialogues/).
 */
export interface DialogueTurn {
  user: string;
  /** What a good reply does, in words (for people; not checked). */
  good: string;
  /** Groups of alternatives: the reply holds at least one of every group. */
  mustContain?: string[][];
  mustNotContain?: string[];
  mustNotStartWith?: string[];
  /** The first sentence holds one of these. */
  firstSentenceContains?: string[];
  replyLang?: string;
  noErase?: boolean;
  asksToConfirmErase?: boolean;
  erases?: boolean;
}

export interface Conversation {
  id: string;
  org?: string;
  note?: string;
  turns: DialogueTurn[];
}

export interface TurnOutcome {
  conversation: string;
  turn: number;
  user: string;
  reply: string;
  failed: string[];
}

export interface DialogueScore {
  lang: string;
  turns: number;
  passed: number;
  conversations: number;
  conversationsPassed: number;
  /** Failed checks by kind (mustContain, firstSentenceContains, …). */
  byCheck: Record<string, number>;
  outcomes: TurnOutcome[];
}

/** `<dir>/<lang>.jsonl`, one conversation a line. */
export function loadDialogues(dir: string): Record<string, Conversation[]> {
  const sets: Record<string, Conversation[]> = {};
  if (!fs.existsSync(dir)) return sets;
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()) {
    const lines = fs.readFileSync(path.join(dir, file), 'utf8').split('\n').filter((l) => l.trim());
    sets[path.basename(file, '.jsonl')] = lines.map((l, i) => {
      try {
        return JSON.parse(l) as Conversation;
      } catch (err) {
        throw new Error(`${file}:${i + 1}: ${(err as Error).message}`);
      }
    });
  }
  return sets;
}

/** Case, accents and punctuation do not count. */
export const plain = (s: string) =>
  ` ${s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}@]+/gu, ' ')
    .trim()} `;

/** "031/370.111" is matched by its digits, however the reply groups them. */
const digitsOnly = (s: string) => s.replace(/\D/g, '');
const isNumber = (alt: string) => /^[\d\s/.+()-]+$/.test(alt) && digitsOnly(alt).length >= 3;

export function holds(reply: string, alternative: string): boolean {
  if (isNumber(alternative)) return digitsOnly(reply).includes(digitsOnly(alternative));
  const word = plain(alternative).trim();
  if (!word) return false;
  // A two-letter alternative ("no", "ja", "sí") is a whole word ("Torrellano" holds no "no", "jag" no "ja");
  // a longer one may be a stem ("cerrad"), matched from the start of a word.
  return plain(reply).includes(word.length <= 2 ? ` ${word} ` : ` ${word}`);
}

const firstSentence = (text: string) => text.split(/(?<=[.!?])\s+|\n/)[0] ?? '';

/** The checks a reply fails, by kind. `erased`: the conversation was erased by this turn. */
export function check(turn: DialogueTurn, reply: { text: string; lang: string }, erased: boolean): string[] {
  const failed: string[] = [];
  const text = reply.text;
  for (const group of turn.mustContain ?? []) if (!group.some((alt) => holds(text, alt))) failed.push(`mustContain ${JSON.stringify(group)}`);
  for (const bad of turn.mustNotContain ?? []) if (holds(text, bad)) failed.push(`mustNotContain ${JSON.stringify(bad)}`);
  const start = plain(text);
  for (const word of turn.mustNotStartWith ?? []) if (start.startsWith(plain(word))) failed.push(`mustNotStartWith ${JSON.stringify(word)}`);
  if (turn.firstSentenceContains && !turn.firstSentenceContains.some((alt) => holds(firstSentence(text), alt))) {
    failed.push(`firstSentenceContains ${JSON.stringify(turn.firstSentenceContains)}`);
  }
  if (turn.replyLang && reply.lang !== turn.replyLang) failed.push(`replyLang ${turn.replyLang} (got ${reply.lang})`);
  if ((turn.noErase || turn.asksToConfirmErase) && erased) failed.push('noErase');
  if (turn.erases && !erased) failed.push('erases');
  return failed;
}

/** Plays each conversation through POST /api/chat (its entry point's organisation as `org`) and checks every reply. */
export async function scoreDialogues(
  app: FastifyInstance,
  lang: string,
  conversations: Conversation[],
  exists: (sessionId: string) => Promise<boolean>,
): Promise<DialogueScore> {
  const outcomes: TurnOutcome[] = [];
  const byCheck: Record<string, number> = {};
  let conversationsPassed = 0;
  for (const c of conversations) {
    let sessionId: string | undefined;
    let ok = true;
    for (const [i, turn] of c.turns.entries()) {
      const payload = { ...(sessionId ? { sessionId } : {}), text: turn.user, ...(c.org ? { org: c.org } : {}) };
      const res = await app.inject({ method: 'POST', url: '/api/chat', payload });
      const body = res.json();
      const reply = res.statusCode === 200 ? { text: body.reply.text as string, lang: body.lang as string } : { text: `HTTP ${res.statusCode}`, lang: '' };
      sessionId = body.sessionId ?? sessionId;
      const erased = res.statusCode === 200 && !(await exists(body.sessionId));
      const failed = res.statusCode === 200 ? check(turn, reply, erased) : [`HTTP ${res.statusCode}`];
      for (const f of failed) byCheck[f.split(' ')[0]] = (byCheck[f.split(' ')[0]] ?? 0) + 1;
      if (failed.length > 0) ok = false;
      outcomes.push({ conversation: c.id, turn: i + 1, user: turn.user, reply: reply.text, failed });
    }
    if (ok) conversationsPassed++;
  }
  const passed = outcomes.filter((o) => o.failed.length === 0).length;
  return { lang, turns: outcomes.length, passed, conversations: conversations.length, conversationsPassed, byCheck, outcomes };
}
