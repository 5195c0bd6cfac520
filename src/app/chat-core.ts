import type { Config } from '../config.js';
import { Knowledge } from '../knowledge/knowledge.js';
import type { Lang } from '../knowledge/schema.js';
import type { Texts } from '../shared/i18n.js';
import type { NluService } from '../nlu/index.js';
import { Dialogue } from '../conversation/turn.js';
import { HandoffDesk } from '../features/handoff/desk.js';
import type { TurnResult } from '../conversation/types.js';
import type { Address, Session, Subscriptions } from '../domain/types.js';
import { LiveStatus } from '../features/status/live-offices.js';
import { LiveServices } from '../features/status/live-services.js';
import { Notifier } from '../features/notifications/notifier.js';
import { Stats } from '../features/insights/stats.js';
import { Teaching } from '../features/teaching/teaching.js';
import { KnowledgeVersions } from '../features/knowledge-editor/versions.js';
import { cleanText } from '../privacy/clean-text.js';
import { CrisisNotices, crisisNoticeText, withCrisisNotice } from '../features/crisis/crisis-notices.js';
import { Metrics } from '../features/insights/metrics.js';
import { StatusPage } from '../features/status-page/status-page.js';
import type { ChatRequest, CliPort } from '../conversation/types.js';
import type { TelegramPort } from '../features/telegram/port.js';
import type { WebChatPort } from '../features/webchat/port.js';
import { expires, StoreUnavailableError, type Stores, type SubscriptionRepository } from '../storage/index.js';

/** The intent whose turn erases the conversation instead of saving it. */
const ERASE = 'forget_data';

/** A subscription the store did not take, with the language the citizen is answered in. */
export class SubscriptionNotSaved extends StoreUnavailableError {
  constructor(
    readonly lang: Lang | undefined,
    cause: unknown,
  ) {
    super(cause);
  }
}

/** A preview's subscriptions: it reads none and keeps none. */
export const keepsNothing: Subscriptions = { add: async () => false, remove: async () => 0, offices: async () => [] };

/** The dialogue's view of the subscriptions: a refusal of the store carries the turn's language out. */
export function refusing(subscriptions: SubscriptionRepository, webDays: number): Subscriptions {
  const refused = (lang?: Lang) => (err: unknown) => {
    throw err instanceof StoreUnavailableError ? new SubscriptionNotSaved(lang, err) : err;
  };
  return {
    add: (office, address, lang) => subscriptions.add(office, address, lang).catch(refused(lang)),
    remove: (address, office) => subscriptions.remove(address, office).catch(refused()),
    offices: (address) => subscriptions.offices(address).catch(refused()),
    lifetimeDays: (address) => (expires(address) ? webDays : undefined),
  };
}

/** The bot once it is ready; undefined while it starts (trains or loads the NLU). */
export type GetBot = () => ChatCore | undefined;

/**
 * The bot without its channels: knowledge, texts, NLU, dialogue, staff operations and the stores.
 * `chat` loads the session, runs one turn, saves the session and counts the question.
 */
export class ChatCore implements WebChatPort, TelegramPort, CliPort {
  constructor(
    readonly config: Config,
    readonly knowledge: Knowledge,
    readonly texts: Texts,
    readonly nlu: NluService,
    readonly stores: Stores,
    readonly subscriptions: SubscriptionRepository,
    readonly live: LiveStatus,
    /** Staff's live state of services and channels (website, e-office, phone help…). */
    readonly services: LiveServices,
    readonly notifier: Notifier,
    readonly stats: Stats,
    private readonly dialogue: Dialogue,
    readonly metrics: Metrics,
    /** Hand-over to staff: the queue, the conversations, the replies' delivery. */
    readonly handoffs: HandoffDesk,
    readonly teaching: Teaching,
    /** The knowledge staff publish from the console: drafts, versions, history, rollback. */
    readonly versions: KnowledgeVersions,
    /** The dialogue on another knowledge (a preview), keeping nothing. */
    private readonly dialogueOn: (knowledge: Knowledge) => Dialogue,
    /** The organisations' crisis notices: the first reply of a conversation about one starts with its notice. */
    readonly notices: CrisisNotices,
    /** The public status page, and its static export: `refresh()` after anything it shows changed. */
    readonly statusPage: StatusPage,
  ) {}

  /** The turn each conversation is at: the next one waits for it. */
  private readonly turns = new Map<string, Promise<void>>();


  /**
   * One turn: load the session, answer, save the session, count the question. Turns of one
   * conversation run one after the other (a second message arriving meanwhile waits), so that
   * neither overwrites the other's session.
   */
  chat(request: ChatRequest): Promise<TurnResult> {
    const key = `${request.channel}:${request.sessionId}`;
    const turn = (this.turns.get(key) ?? Promise.resolve()).then(() => this.turn(key, request));
    const settled = turn.then(
      () => {},
      () => {},
    );
    this.turns.set(key, settled);
    void settled.then(() => {
      if (this.turns.get(key) === settled) this.turns.delete(key);
    });
    return turn;
  }

  private async turn(key: string, request: ChatRequest): Promise<TurnResult> {
    const req = { ...request, text: cleanText(request.text) }; // nothing raw is read, stored or shown
    const session: Session = (await this.stores.sessions.get(key)) ?? {};
    const address: Address = { channel: req.channel, id: req.sessionId };
    // Handed over to staff: the message is theirs, the bot does not answer it (nor count it).
    const erases = async (text: string) => (await this.nlu.analyse(text, session.lang, session.organisation ?? req.org)).intent === ERASE;
    const held = req.intent ? undefined : await this.handoffs.intercept(address, req.text, session, erases);
    if (held) return held;
    let result: TurnResult;
    try {
      result = await this.dialogue.turn(session, {
        text: req.text,
        lang: req.lang,
        langHint: req.langHint,
        intent: req.intent,
        org: req.org,
        address,
      });
      result = await this.handoffs.afterTurn(address, req.text, result);
    } catch (err) {
      if (!(err instanceof SubscriptionNotSaved)) throw err;
      return this.notSaved(err.lang ?? req.lang ?? session.lang ?? req.langHint ?? this.config.DEFAULT_LANG, session);
    }
    // The first reply about an organisation with a crisis notice starts with it (/start without one: every notice in force).
    if (!result.erase) result = withCrisisNotice(this.notices, this.knowledge, this.texts.t(result.lang), result, req.intent === 'greeting');
    const { nlu } = result;
    if (nlu.encoderSkipped) this.metrics.encoderSkipped.inc({ channel: req.channel });
    // "Delete my data", confirmed or commanded: nothing of this conversation is kept, this turn included; the reply goes out only once it is gone.
    if (result.erase) await this.forget({ channel: req.channel, id: req.sessionId });
    else await this.stores.sessions.set(key, result.session, this.config.SESSION_TTL_MINUTES * 60_000);
    if (!req.intent) {
      const { office, certificate, answer } = nlu.entities;
      this.stats.record({ channel: req.channel, intent: nlu.intent, office, certificate, bareAnswer: nlu.bare && !!answer, lang: result.lang, confidence: nlu.confidence, text: req.text, org: result.session.organisation, guesses: nlu.guesses, from: key, client: req.client });
      this.metrics.intents.inc({ intent: nlu.intent, lang: result.lang, channel: req.channel });
      if (nlu.intent === 'out_of_scope') this.metrics.fallbacks.inc({ lang: result.lang, channel: req.channel });
    }
    return result;
  }

  /**
   * What the bot would answer a first message on another knowledge (a draft's): the real dialogue,
   * with nothing kept (no session, subscription, statistics or hand-over).
   */
  async answerOn(knowledge: Knowledge, text: string, lang: Lang, org?: string): Promise<string> {
    const result = await this.dialogueOn(knowledge).turn({}, { text: cleanText(text), lang, org, address: { channel: 'web', id: 'preview' } });
    return result.reply.text;
  }

  /** The crisis notices in force (the organisation's, or every one), each in the language or marked as another. */
  crisisNotices(org: string | undefined, lang: Lang): { org: string; text: string; until: string }[] {
    const t = this.texts.t(lang);
    const notices = org ? [this.notices.active(org)].filter((n) => !!n) : this.notices.allActive();
    return notices.map((n) => ({ org: n.org, text: crisisNoticeText(this.knowledge, t, lang, n), until: n.until }));
  }

  /** The store did not take a (un)subscription: the citizen is told so, never "done". */
  private notSaved(lang: Lang, session: Session): TurnResult {
    const nlu = { intent: 'subscribe_updates', confidence: 1, lang, langConfidence: 1, entities: {}, bare: false };
    return { lang, reply: { text: this.texts.t(lang)('subscribe.failed'), quickReplies: [] }, nlu, session };
  }

  /**
   * Erases what the bot keeps about one conversation (GDPR art. 17): its subscriptions, its session,
   * its hand-overs and the notices waiting in its inbox, and no copy of them stays in the store's
   * files. A status change after it notifies no one there. (The statistics keep no conversation:
   * their texts were redacted before they were kept.)
   * @returns the conversation's language, to say so in it
   */
  async forget(address: Address): Promise<{ lang?: Lang }> {
    const key = `${address.channel}:${address.id}`;
    const session: Session | undefined = await this.stores.sessions.get(key);
    await this.handoffs.forget(address);
    await this.subscriptions.remove(address);
    await this.stores.sessions.delete(key);
    if (address.channel === 'web') await this.stores.inbox.take(address.id); // taking empties the web inbox (keyed by id alone)
    await this.stores.scrub(); // no copy of what was erased stays in SQLite's write-ahead logs
    return { lang: session?.lang };
  }

  /** What cannot be reached now ('store', 'telegram'): /health and the metrics show it. */
  get outages(): string[] {
    return this.metrics.down();
  }

  async close(): Promise<void> {
    this.live.stop();
    this.services.stop();
    this.notices.stop();
    this.versions.stop();
    this.handoffs.stop();
    // The deliveries in flight finish, for up to 3 s (an unreachable Bot API holds them: they stay queued).
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 3000);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.notifier.stop().then(done, done);
    });
    await this.stats.close();
    await this.teaching.close();
    await this.stores.close();
    await this.nlu.close();
  }
}
