import type { Config } from '../config.js';
import { loadKnowledge } from '../knowledge/loader.js';
import { Knowledge } from '../knowledge/knowledge.js';
import type { KnowledgeBase, Lang, Office } from '../knowledge/schema.js';
import { loadTexts } from '../shared/i18n.js';
import { createNlu, type NluLog, type NluService } from '../nlu/index.js';
import { nluSettings } from '../nlu/settings.js';
import { Dialogue } from '../conversation/turn.js';
import { HandoffDesk } from '../features/handoff/desk.js';
import { checkRegistry, createRegistry } from '../conversation/registry.js';
import { loadPolicy } from '../conversation/policy.js';
import { LiveStatus } from '../features/status/live-offices.js';
import { LiveServices } from '../features/status/live-services.js';
import { Notifier, type NotifierEvents } from '../features/notifications/notifier.js';
import { noticeText } from '../features/notifications/notice-text.js';
import { NoticeQueue } from '../features/notifications/notice-queue.js';
import { Stats } from '../features/insights/stats.js';
import { Teaching } from '../features/teaching/teaching.js';
import { KnowledgeVersions } from '../features/knowledge-editor/versions.js';
import { CrisisNotices } from '../features/crisis/crisis-notices.js';
import { Metrics } from '../features/insights/metrics.js';
import { StatusPage } from '../features/status-page/status-page.js';
import { createStores, type Stores } from '../storage/index.js';

import { ChatCore, keepsNothing, refusing } from './chat-core.js';

const quiet: NluLog = { warn() {}, error() {} };

/**
 * The composition root: builds the bot from the configuration (knowledge, texts, NLU, dialogue,
 * stores, notifications, hand-over, teaching, status page) and wires their events together.
 * @param log where the one line about a missing embedding model goes (defaults to nowhere).
 * @param started the NLU, already starting on the same files (src/main.ts); none: created here.
 */
export async function assemble(config: Config, stores: Stores = createStores(config), log: NluLog = quiet, started?: Promise<NluService>): Promise<ChatCore> {
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
  const notifier = new Notifier(stores.outbox, stores.noticeLog, render, events, queue);
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
