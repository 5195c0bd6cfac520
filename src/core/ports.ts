import type { Config } from '../config.js';
import type { Knowledge } from '../knowledge/knowledge.js';
import type { Lang } from '../knowledge/schema.js';
import type { Texts } from '../shared/i18n.js';
import type { Metrics } from '../operations/metrics.js';
import type { Notifier } from '../operations/notifier.js';
import type { Stores } from '../storage/index.js';
import type { HandoffDesk } from './handoff/desk.js';
import type { Address, TurnResult } from './dialogue/types.js';

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

/** What the web chat (src/channels/webchat/) uses of the core. */
export interface WebChatPort extends CliPort {
  /** "Delete my data": the conversation, its subscriptions and its notices. */
  forget(address: Address): Promise<{ lang?: Lang }>;
  /** The session ids' secret, whether messages are logged, the language of last resort. */
  readonly config: Pick<Config, 'SESSION_SECRET' | 'DATA_DIR' | 'LOG_MESSAGES' | 'DEFAULT_LANG'>;
  readonly texts: Pick<Texts, 'langs' | 't' | 'resources'>;
  /** Whether a widget's data-org names an organisation. */
  readonly knowledge: Pick<Knowledge, 'organisation'>;
  /** The inbox its sessions' notices wait in (src/channels/webchat/inbox.ts reads it). */
  readonly stores: Pick<Stores, 'inbox'>;
  /** Its events say 'web' (a session id) when a notice was written for it. */
  readonly handoffs: Pick<HandoffDesk, 'events'>;
  /** The crisis notices in force (an organisation's, or all), as a reader of that language reads them: the widget's banner. */
  crisisNotices(org: string | undefined, lang: Lang): { org: string; text: string; until: string }[];
}

/** What the Telegram channel (src/channels/telegram/) uses of the core. */
export interface TelegramPort extends CliPort {
  readonly config: Pick<Config, 'DEFAULT_LANG'>;
  /** The languages, the replies' and the command menu's texts. */
  readonly texts: Pick<Texts, 'langs' | 't'>;
  /** Whether a deep link names an organisation. */
  readonly knowledge: Pick<Knowledge, 'organisation'>;
  /** Where the quick replies of a chat are remembered. */
  readonly stores: Pick<Stores, 'sessions'>;
  /** Subscribers' status-change notices go out through the channel's sender. */
  readonly notifier: Pick<Notifier, 'useSender'>;
  /** Staff groups' replies to hand-overs, and the posts and answers the desk sends. */
  readonly handoffs: Pick<HandoffDesk, 'fromGroup' | 'useTelegram'>;
  /** The Bot API's reachability (an outage) and its failed calls. */
  readonly metrics: Pick<Metrics, 'outages' | 'telegramSendErrors'>;
}
