import type { Lang } from '../shared/languages.js';
import type { Address, Pending, QuickReply, Reply, Session } from '../domain/types.js';

import type { NluResult } from '../nlu/index.js';

/**
 * A reply as the planner orders it (planner.ts): `text` answers what was asked, first; `next` is
 * the step that serves it (the contact or channel); `context` at most one line more.
 */
export interface Answer {
  text: string;
  next?: string;
  context?: string;
  quickReplies?: QuickReply[];
  pending?: Pending;
  /** The citizen confirmed (or commanded unmistakably) the erasure of the conversation: ChatCore erases it. */
  erase?: boolean;
}

export interface TurnInput {
  text: string;
  /** The language the user explicitly picked for this turn (the widget's picker). */
  lang?: Lang;
  /** A weak hint: Telegram's language_code, the page's language. */
  langHint?: Lang;
  address: Address;
  /** A command that names its intent (Telegram's /offices, /help): the classifier is skipped. */
  intent?: string;
  /** The organisation of the entry point (the widget's data-org, a Telegram deep link): the conversation's until the citizen names another. */
  org?: string;
}

export interface TurnResult {
  lang: Lang;
  reply: Reply;
  /** The conversation is to be erased (confirmed, or commanded unmistakably): nothing of it is saved. */
  erase?: boolean;
  /** The NLU reading after context: the intent and office the turn is about. */
  nlu: NluResult;
  session: Session;
}

/** One message of a channel for the core. */
export interface ChatRequest {
  sessionId: string;
  text: string;
  lang?: Lang;
  langHint?: Lang;
  channel: Address['channel'];
  /** Skip intent classification (commands such as /offices). */
  intent?: string;
  /** The entry point's organisation (the widget's data-org, a Telegram deep link). */
  org?: string;
  /** Where it came from (the web chat: the client's address): what one address adds to the review list is capped. */
  client?: string;
}

/** What every channel does with the core: one turn of a conversation. */
export interface CliPort {
  chat(request: ChatRequest): Promise<TurnResult>;
}
