import type Keyv from 'keyv';
import type { Config } from './config.js';
import { loadKnowledge } from './knowledge/loader.js';
import { Knowledge } from './knowledge/store.js';
import type { Lang } from './knowledge/schema.js';
import { loadTexts, type Texts } from './i18n.js';
import { Nlu } from './nlu/index.js';
import { Dialogue } from './dialogue/turn.js';
import { SubscriptionStore } from './dialogue/subscriptions.js';
import type { Address, Session, TurnResult } from './dialogue/types.js';
import { createStores, type Stores } from './storage.js';

export interface ChatRequest {
  sessionId: string;
  text: string;
  lang?: Lang;
  langHint?: Lang;
  channel: Address['channel'];
  /** Skip intent classification (commands such as /offices). */
  intent?: string;
}

/**
 * The bot without its channels: knowledge, texts, NLU, dialogue and the stores.
 * `chat` loads the session, runs one turn and saves the session.
 */
export class Bot {
  private constructor(
    readonly config: Config,
    readonly knowledge: Knowledge,
    readonly texts: Texts,
    readonly nlu: Nlu,
    readonly stores: Stores,
    readonly subscriptions: SubscriptionStore,
    private readonly dialogue: Dialogue,
  ) {}

  static async create(config: Config, stores: Stores = createStores()): Promise<Bot> {
    const knowledge = new Knowledge(loadKnowledge(config.KNOWLEDGE_DIR));
    const texts = await loadTexts(config.LOCALES_DIR);
    const nlu = await Nlu.fromDirectory(config.INTENTS_DIR, knowledge.base, {
      langs: texts.langs,
      defaultLang: config.DEFAULT_LANG,
      threshold: config.NLU_CONFIDENCE_THRESHOLD,
    });
    const subscriptions = new SubscriptionStore(stores.subscriptions);
    const dialogue = new Dialogue({ nlu, knowledge, texts, subscriptions });
    return new Bot(config, knowledge, texts, nlu, stores, subscriptions, dialogue);
  }

  private get sessions(): Keyv {
    return this.stores.sessions;
  }

  async chat(req: ChatRequest): Promise<TurnResult> {
    const key = `${req.channel}:${req.sessionId}`;
    const session: Session = (await this.sessions.get(key)) ?? {};
    const result = await this.dialogue.turn(session, {
      text: req.text,
      lang: req.lang,
      langHint: req.langHint,
      intent: req.intent,
      address: { channel: req.channel, id: req.sessionId },
    });
    await this.sessions.set(key, result.session, this.config.SESSION_TTL_MINUTES * 60_000);
    return result;
  }

  async close(): Promise<void> {
    await this.stores.close();
  }
}
