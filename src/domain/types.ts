import type { Lang } from '../shared/languages.js';

/** The types every layer shares: where a conversation lives, what the bot remembers of it, a reply. */

export interface QuickReply {
  label: string;
  text: string;
}

export interface Reply {
  text: string;
  quickReplies: QuickReply[];
}

/** What an answer leaves open: the question the bot asked and what it already knows for it. */
export interface Pending {
  intent: string;
  certificate?: string;
  office?: string;
  /** The question inside the question ("darme de baja del padrón"): the answer to "which council?" keeps it. */
  topic?: string;
  /** The bot offered something ("shall I tell you anyway?") and a yes takes it. */
  confirm?: boolean;
}

/** What the bot remembers of a conversation between turns (kept in keyv with a TTL). */
export interface Session {
  lang?: Lang;
  /** The user chose the language (change_language, /language, the widget's picker). */
  langChosen?: boolean;
  office?: string;
  organisation?: string;
  lastIntent?: string;
  /** The certificate the conversation is about (an appointment question then refers to it). */
  certificate?: string;
  /** A question the bot asked and waits for an answer to (which office? which language?). */
  pending?: Pending;
  /** Messages in a row the bot did not understand (two: it offers a person, where staff take hand-overs). */
  misses?: number;
  /** The procedure or service the conversation was last about, and how many turns ago (a follow-up takes it). */
  topic?: string;
  topicAge?: number;
  /** Turns since the last question about something (the asides after it: thanks, the weather). */
  subjectAge?: number;
  /** The last question, as the planner identifies it, and digests of what the bot said to it (asked again: only what is new). */
  asked?: string;
  said?: string[];
  /** The last turns, kept only where some organisation hands over to staff: the hand-over's transcript. */
  recent?: { at: string; from: 'citizen' | 'bot'; text: string }[];
  /** The crisis notices (their ids) this conversation was shown: each once. */
  noticesShown?: string[];
}

/** Where a conversation lives, so that notifications can find it again. */
export interface Address {
  channel: 'web' | 'telegram' | 'cli';
  id: string;
}

/** Records who wants to hear about an office (the staff-operations issue delivers the notices). */
export interface Subscriptions {
  add(office: string, address: Address, lang: Lang): Promise<boolean>;
  remove(address: Address, office?: string): Promise<number>;
  /** The offices the address has notices of. */
  offices(address: Address): Promise<string[]>;
  /** Days a subscription of this address lasts; undefined: it does not expire. */
  lifetimeDays?(address: Address): number | undefined;
}
