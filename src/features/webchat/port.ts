import type { Config } from '../../config.js';
import type { Knowledge } from '../../knowledge/knowledge.js';
import type { Lang } from '../../shared/languages.js';
import type { Texts } from '../../shared/i18n.js';
import type { Stores } from '../../storage/index.js';
import type { Address } from '../../domain/types.js';
import type { CliPort } from '../../conversation/types.js';
import type { HandoffDesk } from '../handoff/desk.js';

/** What the web chat (src/features/webchat/) uses of the core. */
export interface WebChatPort extends CliPort {
  /** "Delete my data": the conversation, its subscriptions and its notices. */
  forget(address: Address): Promise<{ lang?: Lang }>;
  /** The session ids' secret, whether messages are logged, the language of last resort. */
  readonly config: Pick<Config, 'SESSION_SECRET' | 'DATA_DIR' | 'LOG_MESSAGES' | 'DEFAULT_LANG'>;
  readonly texts: Pick<Texts, 'langs' | 't' | 'resources'>;
  /** Whether a widget's data-org names an organisation. */
  readonly knowledge: Pick<Knowledge, 'organisation'>;
  /** The inbox its sessions' notices wait in (src/features/webchat/inbox.ts reads it). */
  readonly stores: Pick<Stores, 'inbox'>;
  /** Its events say 'web' (a session id) when a notice was written for it. */
  readonly handoffs: Pick<HandoffDesk, 'events'>;
  /** The crisis notices in force (an organisation's, or all), as a reader of that language reads them: the widget's banner. */
  crisisNotices(org: string | undefined, lang: Lang): { org: string; text: string; until: string }[];
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The web chat's port, on the routes of the web chat's scopes (requireReady). */
    readonly webChat: WebChatPort;
  }
}

/** The port once the bot is ready; undefined while it starts (trains or loads the NLU). */
export type GetWebChatPort = () => WebChatPort | undefined;
