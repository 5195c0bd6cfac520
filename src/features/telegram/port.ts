import type { Config } from '../../config.js';
import type { Knowledge } from '../../knowledge/knowledge.js';
import type { Texts } from '../../shared/i18n.js';
import type { Stores } from '../../storage/index.js';
import type { CliPort } from '../../conversation/types.js';
import type { HandoffDesk } from '../handoff/desk.js';
import type { Metrics } from '../insights/metrics.js';
import type { Notifier } from '../notifications/notifier.js';

/** What the Telegram channel (src/features/telegram/) uses of the core. */
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
