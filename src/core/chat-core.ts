import type { Config } from '../config.js';
import { loadKnowledge } from '../knowledge/loader.js';
import { Knowledge, localized } from '../knowledge/knowledge.js';
import type { Lang, Office } from '../knowledge/schema.js';
import { loadTexts, type Texts } from '../shared/i18n.js';
import { createNlu, type NluLog, type NluService } from '../nlu/index.js';
import { nluSettings } from '../nlu/settings.js';
import { Dialogue } from './dialogue/turn.js';
import { officeStatus } from './dialogue/answers/status.js';
import { checkRegistry, createRegistry } from './intents/registry.js';
import { SubscriptionStore } from '../storage/subscriptions.js';
import type { Address, Session, TurnResult } from './dialogue/types.js';
import { LiveStatus } from '../operations/live.js';
import { Notifier } from '../operations/notifier.js';
import { Stats } from '../operations/stats.js';
import { cleanText } from '../operations/clean-text.js';
import { Metrics } from '../operations/metrics.js';
import { createStores, type Stores } from '../storage/index.js';

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
}

const quiet: NluLog = { warn() {}, error() {} };
/** The intent whose turn erases the conversation instead of saving it. */
const ERASE = 'forget_data';

/**
 * The bot without its channels: knowledge, texts, NLU, dialogue, staff operations and the stores.
 * `chat` loads the session, runs one turn, saves the session and counts the question.
 */
export class ChatCore {
  private constructor(
    readonly config: Config,
    readonly knowledge: Knowledge,
    readonly texts: Texts,
    readonly nlu: NluService,
    readonly stores: Stores,
    readonly subscriptions: SubscriptionStore,
    readonly live: LiveStatus,
    readonly notifier: Notifier,
    readonly stats: Stats,
    private readonly dialogue: Dialogue,
    readonly metrics = new Metrics(),
  ) {}

  /**
   * @param log where the one line about a missing embedding model goes (defaults to nowhere).
   * @param started the NLU, already starting on the same files (src/main.ts); none: created here.
   */
  static async create(config: Config, stores: Stores = createStores(config), log: NluLog = quiet, started?: Promise<NluService>): Promise<ChatCore> {
    const knowledge = new Knowledge(loadKnowledge(config.KNOWLEDGE_DIR));
    const texts = await loadTexts(config.LOCALES_DIR);
    const nlu = await (started ?? createNlu(nluSettings(config, texts.langs), knowledge.base, log));
    const subscriptions = new SubscriptionStore(stores.subscriptions);
    const live = new LiveStatus(knowledge, stores.status, stores.audit, config.KNOWLEDGE_DIR, (kb) => nlu.useKnowledge(kb));
    await live.restore();
    const render = (office: Office, lang: Lang) => {
      const t = texts.t(lang);
      return `${t('notify.changed', { office: localized(office.name, lang) })}\n${officeStatus({ k: knowledge, t, lang }, office)}`;
    };
    const notifier = new Notifier(stores.outbox, subscriptions, render);
    // Web chat subscribers find their notices at their next poll.
    notifier.useSender('web', async (address, text) => {
      const inbox: string[] = (await stores.inbox.get(address.id)) ?? [];
      await stores.inbox.set(address.id, [...inbox, text]);
    });
    live.onChange((office) => notifier.enqueue(office));
    void notifier.drain(); // what a previous run left in the outbox
    const stats = new Stats(stores.stats);
    const registry = createRegistry();
    checkRegistry(registry, nlu.intents);
    const dialogue = new Dialogue({ nlu, knowledge, texts, subscriptions, registry, defaultLang: config.DEFAULT_LANG });
    return new ChatCore(config, knowledge, texts, nlu, stores, subscriptions, live, notifier, stats, dialogue);
  }

  async chat(request: ChatRequest): Promise<TurnResult> {
    const req = { ...request, text: cleanText(request.text) }; // nothing raw is read, stored or shown
    const key = `${req.channel}:${req.sessionId}`;
    const session: Session = (await this.stores.sessions.get(key)) ?? {};
    const result = await this.dialogue.turn(session, {
      text: req.text,
      lang: req.lang,
      langHint: req.langHint,
      intent: req.intent,
      org: req.org,
      address: { channel: req.channel, id: req.sessionId },
    });
    const { nlu } = result;
    // "Delete my data": nothing of this conversation is kept, this turn included; the reply goes out only once it is gone.
    if (nlu.intent === ERASE) await this.forget({ channel: req.channel, id: req.sessionId });
    else await this.stores.sessions.set(key, result.session, this.config.SESSION_TTL_MINUTES * 60_000);
    if (!req.intent) {
      this.stats.record({ channel: req.channel, intent: nlu.intent, office: nlu.entities.office, lang: result.lang, confidence: nlu.confidence, text: req.text });
      this.metrics.intents.inc({ intent: nlu.intent, lang: result.lang, channel: req.channel });
      if (nlu.intent === 'out_of_scope') this.metrics.fallbacks.inc({ lang: result.lang, channel: req.channel });
    }
    return result;
  }

  /**
   * Erases what the bot keeps about one conversation (GDPR art. 17): its subscriptions, its session
   * and the notices waiting in its inbox. A status change after it notifies no one there.
   * @returns the conversation's language, to say so in it
   */
  async forget(address: Address): Promise<{ lang?: Lang }> {
    const key = `${address.channel}:${address.id}`;
    const session: Session | undefined = await this.stores.sessions.get(key);
    await this.subscriptions.remove(address);
    await this.stores.sessions.delete(key);
    if (address.channel === 'web') await this.stores.inbox.delete(address.id); // the web sender's inbox (keyed by id alone)
    return { lang: session?.lang };
  }

  /** Notices waiting for a web chat session (status changes it subscribed to); reading empties them. */
  async takeNotifications(sessionId: string): Promise<string[]> {
    const inbox: string[] = (await this.stores.inbox.get(sessionId)) ?? [];
    if (inbox.length) await this.stores.inbox.delete(sessionId);
    return inbox;
  }

  async close(): Promise<void> {
    this.live.stop();
    await this.notifier.stop();
    await this.stats.close();
    await this.stores.close();
    await this.nlu.close();
  }
}
