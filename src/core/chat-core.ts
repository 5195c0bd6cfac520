import type { Config } from '../config.js';
import { loadKnowledge } from '../knowledge/loader.js';
import { Knowledge } from '../knowledge/knowledge.js';
import type { KnowledgeBase, Lang, Office } from '../knowledge/schema.js';
import { loadTexts, type Texts } from '../shared/i18n.js';
import { createNlu, type NluLog, type NluService } from '../nlu/index.js';
import { nluSettings } from '../nlu/settings.js';
import { Dialogue } from './dialogue/turn.js';
import { HandoffDesk } from './handoff/desk.js';
import { checkRegistry, createRegistry } from './intents/registry.js';
import { loadPolicy } from './dialogue/policy.js';
import type { Address, Session, Subscriptions, TurnResult } from './dialogue/types.js';
import { LiveStatus } from '../operations/live.js';
import { LiveServices } from '../operations/live-services.js';
import { Notifier, type NotifierEvents } from '../operations/notifier.js';
import { noticeText } from '../operations/notice-text.js';
import { NoticeQueue } from '../operations/notice-queue.js';
import { Stats } from '../operations/stats.js';
import { Teaching } from '../operations/teaching.js';
import { KnowledgeVersions } from '../operations/knowledge-versions.js';
import { cleanText } from '../operations/clean-text.js';
import { CrisisNotices, crisisNoticeText, withCrisisNotice } from '../operations/crisis-notices.js';
import { Metrics } from '../operations/metrics.js';
import { StatusPage } from '../status-page/status-page.js';
import type { ChatRequest, CliPort, TelegramPort, WebChatPort } from './ports.js';
import { createStores, expires, StoreUnavailableError, type Stores, type SubscriptionRepository } from '../storage/index.js';

const quiet: NluLog = { warn() {}, error() {} };
/** The intent whose turn erases the conversation instead of saving it. */
const ERASE = 'forget_data';

/** A subscription the store did not take, with the language the citizen is answered in. */
class SubscriptionNotSaved extends StoreUnavailableError {
  constructor(
    readonly lang: Lang | undefined,
    cause: unknown,
  ) {
    super(cause);
  }
}

/** A preview's subscriptions: it reads none and keeps none. */
const keepsNothing: Subscriptions = { add: async () => false, remove: async () => 0, offices: async () => [] };

/** The dialogue's view of the subscriptions: a refusal of the store carries the turn's language out. */
function refusing(subscriptions: SubscriptionRepository, webDays: number): Subscriptions {
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

/**
 * The bot without its channels: knowledge, texts, NLU, dialogue, staff operations and the stores.
 * `chat` loads the session, runs one turn, saves the session and counts the question.
 */
export class ChatCore implements WebChatPort, TelegramPort, CliPort {
  private constructor(
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
   * @param log where the one line about a missing embedding model goes (defaults to nowhere).
   * @param started the NLU, already starting on the same files (src/main.ts); none: created here.
   */
  static async create(config: Config, stores: Stores = createStores(config), log: NluLog = quiet, started?: Promise<NluService>): Promise<ChatCore> {
    const knowledge = new Knowledge(loadKnowledge(config.KNOWLEDGE_DIR));
    const texts = await loadTexts(config.LOCALES_DIR);
    if (!texts.langs.includes(config.DEFAULT_LANG)) throw new Error(`DEFAULT_LANG=${config.DEFAULT_LANG} has no texts: the languages under ${config.LOCALES_DIR} are ${texts.langs.join(', ')}.`);
    const settings = nluSettings(config, texts.langs);
    const nlu = await (started ?? createNlu(settings, knowledge.base, log));
    const subscriptions = stores.subscriptions;
    const versions = new KnowledgeVersions(stores.knowledge, () => knowledge.base, { langs: texts.langs, defaultLang: config.DEFAULT_LANG });
    const statusPage = await StatusPage.create(knowledge, texts, stores.audit, {
      localesDir: config.LOCALES_DIR,
      defaultLang: config.DEFAULT_LANG,
      exportDir: config.STATUS_EXPORT_DIR,
      onError: (err) => log.warn(`status page export not written to STATUS_EXPORT_DIR: ${(err as Error).message}`),
    });
    const reloaded = (kb: KnowledgeBase) => {
      nlu.useKnowledge(kb);
      void statusPage.refresh();
    };
    const live = new LiveStatus(knowledge, stores.status, stores.audit, config.KNOWLEDGE_DIR, reloaded, () => versions.serving);
    await live.restore();
    const services = new LiveServices(knowledge, stores.serviceStatus, stores.audit);
    await services.restore();
    // The version staff published serves from the first message on, and every newer one within KNOWLEDGE_POLL_MS.
    const serve = (kb: KnowledgeBase) => {
      knowledge.replace(kb);
      nlu.useKnowledge(kb);
      // The live states of offices and services it added, then the status page with its names, offices and services.
      void Promise.all([live.restore().catch(() => {}), services.restore().catch(() => {})]).then(() => statusPage.refresh());
    };
    await versions.follow(serve, config.KNOWLEDGE_POLL_MS, (err) => log.warn(`knowledge versions not read: ${(err as Error).message}`));
    const render = (office: Office, lang: Lang) => noticeText(knowledge, texts.t(lang), lang, office);
    const metrics = new Metrics();
    const events: NotifierEvents = {
      delivered: (channel, n) => metrics.deliveries.inc({ channel }, n),
      retried: (channel) => metrics.retries.inc({ channel }),
      failed: (channel) => metrics.failures.inc({ channel }),
      announced: (id, n) => void stores.staff.announcements.reached(id, n).catch(() => {}),
    };
    // With Redis every instance works one shared queue; otherwise the store's outbox (one instance).
    const queue = stores.redisUrl ? new NoticeQueue(stores.redisUrl, subscriptions, stores.inbox, stores.noticeLog, render, events) : undefined;
    const notifier = new Notifier(stores.outbox, stores.inbox, stores.noticeLog, render, events, queue);
    metrics.pending = () => notifier.pendingCount();
    metrics.storeDegraded = () => stores.degraded;
    // A change is sent to the office's subscribers; an undo corrects only those who were told of the change it undoes.
    live.onChange(async (office, entry) => {
      if (entry.undoes) await notifier.correct(entry.undoes, office, entry.change!);
      else await notifier.enqueue(office, entry.change);
    });
    services.onChange((service, entry) => notifier.enqueueService(service, entry.change));
    // An organisation's Telegram channel is told of its changes, in its language.
    notifier.postTo((org) => {
      const o = knowledge.organisation(org);
      return o?.telegramChannel ? [{ address: { channel: 'telegram', id: o.telegramChannel }, lang: o.language ?? config.DEFAULT_LANG }] : [];
    });
    // The static export follows every change of an office or a service (its failure is logged: the change stands).
    live.onChange(() => statusPage.refresh());
    services.onChange(() => statusPage.refresh());
    await statusPage.refresh();
    const stats = new Stats(stores.stats, undefined, undefined, (org) => knowledge.organisation(org)?.timeZone);
    const registry = createRegistry();
    checkRegistry(registry, nlu.intents);
    const policy = loadPolicy(config.DIALOGUE_DIR, nlu.intents);
    const dialogueOn = (k: Knowledge, subs = keepsNothing) => new Dialogue({ nlu, knowledge: k, texts, policy, subscriptions: subs, scams: stores.scams, registry, defaultLang: config.DEFAULT_LANG, keepMinutes: config.SESSION_TTL_MINUTES });
    const dialogue = dialogueOn(knowledge, refusing(subscriptions, config.WEB_SUBSCRIPTION_DAYS));
    const handoffs = new HandoffDesk(knowledge, texts, stores.handoffs, stores.inbox, config.HANDOFF_WAIT_MINUTES, config.DEFAULT_LANG);
    handoffs.start();
    const { intentsDir, cacheDir, options } = settings;
    const teaching = new Teaching(stores.examples, nlu, { intentsDir, cacheDir, langs: options.langs, threshold: options.threshold }, config.NLU_OVERLAY_POLL_MS);
    // The taught examples serve from the first message on (their model comes from the cache after a restart).
    await teaching.start();
    const notices = new CrisisNotices(stores.crisisNotices, knowledge);
    await notices.restore();
    // A notice set is posted once to its organisation's Telegram channel, if it names one (its id is the post's: queued once).
    notices.onChange(async (org, notice) => {
      if (notice) await notifier.post(org, notice.text, notice.id, { written: notice.written, crisis: true });
    });
    return new ChatCore(config, knowledge, texts, nlu, stores, subscriptions, live, services, notifier, stats, dialogue, metrics, handoffs, teaching, versions, dialogueOn, notices, statusPage);
  }

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
