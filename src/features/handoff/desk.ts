import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Knowledge } from '../../knowledge/knowledge.js';
import type { Lang, Organisation } from '../../knowledge/schema.js';
import type { Texts } from '../../shared/i18n.js';
import { OUT_OF_SCOPE } from '../../nlu/index.js';
import { newChangeId } from '../notifications/notifier.js';
import { STAFF_NOTICE, StoreUnavailableError, type Handoff, type HandoffMessage, type HandoffRepository, type HandoffStatus, type InboxRepository } from '../../storage/index.js';
import { staffContacts } from '../../conversation/answers/contacts.js';
import { lines, nameValues, quick, sentences } from '../../conversation/context.js';
import type { TurnResult } from '../../conversation/types.js';
import type { Address, Reply, Session } from '../../domain/types.js';
import { staffAvailable, staffHours } from './hours.js';
import { groupMessage, groupPost, isReturn } from './words.js';

/** A store outage reads as nothing there (undefined); any other failure still fails. */
function unlessStoreDown(err: unknown): undefined {
  if (err instanceof StoreUnavailableError) return undefined;
  throw err;
}

/** The Telegram channel's part: a message to a citizen's chat, and a post to a staff group (its message ids). */
export interface TelegramDesk {
  send(chatId: string, text: string): Promise<void>;
  post(chatId: string, text: string): Promise<number[]>;
}

/** The last turns of a session kept for a hand-over's transcript (only where some organisation hands over). */
const RECENT = 6;
/** Not understood this many times in a row: the bot offers a person. */
const MISSES = 2;
/** How often the queue is checked for conversations nobody answered. */
const CHECK_EVERY_MS = 15_000;
/**
 * A citizen's messages one hand-over takes, in all and per minute: past either the citizen is
 * asked to wait for staff and the message is not kept (a flood grew one transcript to 1.15 MB).
 */
export const MAX_CITIZEN_MESSAGES = 100;
export const MAX_CITIZEN_MESSAGES_PER_MINUTE = 10;

/**
 * Hand-over to staff: opens a conversation when a citizen asks for a person while staff are there,
 * holds the citizen's messages for staff while it is open, and delivers staff's replies (web chat:
 * the session's inbox, which the events stream and the poll read; Telegram: the throttled sender).
 * `events` says 'web' (a session id) when a web notice was written, 'queue' when the queue changed.
 */
export class HandoffDesk {
  readonly events = new EventEmitter();
  private telegram?: TelegramDesk;
  private timer?: NodeJS.Timeout;
  /** Whether any organisation hands over: only then are the last turns kept in the session. */
  private readonly anyEnabled: () => boolean;

  constructor(
    private readonly knowledge: Knowledge,
    private readonly texts: Texts,
    private readonly repo: HandoffRepository,
    private readonly inbox: InboxRepository,
    private readonly waitMinutes: number,
    private readonly defaultLang: Lang,
  ) {
    this.events.setMaxListeners(0); // one per open events stream
    this.anyEnabled = () => knowledge.organisations.some((o) => o.handoff.enabled);
  }

  useTelegram(telegram: TelegramDesk): void {
    this.telegram = telegram;
  }

  start(): void {
    const every = Math.min(CHECK_EVERY_MS, this.waitMinutes * 30_000);
    this.timer = setInterval(() => void this.remindWaiting().catch(() => {}), every);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * Before the bot's turn: a message of a conversation handed over goes to staff instead (the first
   * one is acknowledged, the others get no reply), and the words to return to the bot close it.
   * Undefined: the bot answers (also a request to erase the conversation: `erases`).
   */
  async intercept(address: Address, text: string, session: Session, erases: (text: string) => Promise<boolean>): Promise<TurnResult | undefined> {
    if (!this.anyEnabled()) return undefined; // no organisation hands over: the store is not asked
    // While the store cannot be reached the bot answers, as it does for everything else then.
    const open = await this.repo.openFor(address).catch(unlessStoreDown);
    if (!open) return undefined;
    const t = this.texts.t(open.lang);
    if (isReturn(text, this.texts)) {
      await this.end(open, 'citizen');
      return this.held(open.lang, t('handoff.ended'), session);
    }
    // "Delete my data" is still the bot's to do (the erasure ends the hand-over too).
    if (await erases(text)) return undefined;
    if (this.flooding(open)) return this.held(open.lang, t('handoff.wait'), session);
    const h = await this.repo.change(open.id, { kind: 'append', message: { at: now(), from: 'citizen', text } }, now());
    if (!h) return undefined; // closed meanwhile: the bot answers again
    this.events.emit('queue');
    await this.toGroup(h, groupMessage(this.texts, this.staffLang(h), text));
    const first = h.messages.slice(h.transcript).filter((m) => m.from === 'citizen').length === 1;
    return this.held(h.lang, first ? t('handoff.received') : '', session);
  }

  /** Whether the citizen has sent as many messages as a hand-over takes, in all or in the last minute. */
  private flooding(h: Handoff): boolean {
    const since = Date.now() - 60_000;
    const theirs = h.messages.slice(h.transcript).filter((m) => m.from === 'citizen');
    return theirs.length >= MAX_CITIZEN_MESSAGES || theirs.filter((m) => Date.parse(m.at) > since).length >= MAX_CITIZEN_MESSAGES_PER_MINUTE;
  }

  /**
   * After the bot's turn: a request for a person opens a hand-over while staff are there (else the
   * contacts stay, with when staff are); two misunderstandings in a row offer one. Keeps the last
   * turns for the transcript.
   */
  async afterTurn(address: Address, text: string, result: TurnResult, at = new Date()): Promise<TurnResult> {
    if (!this.anyEnabled()) return result; // no organisation hands over: nothing to offer, nothing kept
    const session = { ...result.session };
    const intent = result.nlu.intent;
    const org = this.knowledge.organisation(session.organisation);
    session.misses = intent === OUT_OF_SCOPE ? (session.misses ?? 0) + 1 : 0;
    const t = this.texts.t(result.lang);
    const n = nameValues(result.lang, undefined, org);
    let reply: Reply = result.reply;
    const asked = intent === 'human_agent' && session.pending?.intent !== 'human_agent';
    // A hand-over the store cannot keep is not opened: the contacts follow, as outside the hours.
    const opened =
      asked && org?.handoff.enabled && staffAvailable(org, at) && (await this.open(org, address, result.lang, [...(session.recent ?? []), { at: now(), from: 'citizen', text }]).then(() => true, unlessStoreDown));
    if (opened && org) {
      reply = { text: sentences(t('handoff.opened', n), t('handoff.how_back')), quickReplies: [] };
      session.recent = [];
      session.misses = 0;
      return { ...result, reply, session };
    }
    const hours = org?.handoff.enabled ? staffHours(org, result.lang, t) : undefined;
    if (asked && hours) reply = { ...reply, text: lines(reply.text, t('handoff.hours', { hours })) };
    if (!asked && session.misses >= MISSES && org?.handoff.enabled && staffAvailable(org, at)) {
      reply = { text: lines(reply.text, t('handoff.offer', n)), quickReplies: [quick(t('handoff.offer_yes'))] };
      session.pending = { intent: 'human_agent', confirm: true };
    }
    session.recent = [...(session.recent ?? []), { at: now(), from: 'citizen' as const, text }, { at: now(), from: 'bot' as const, text: reply.text }].slice(-RECENT);
    return { ...result, reply, session };
  }

  private async open(org: Organisation, address: Address, lang: Lang, transcript: HandoffMessage[]): Promise<void> {
    const at = now();
    const { handoff, created } = await this.repo.open({
      id: randomUUID(),
      org: org.id,
      address: { channel: address.channel, id: address.id },
      lang,
      status: 'waiting',
      createdAt: at,
      activityAt: at,
      transcript: transcript.length,
      messages: transcript,
      posts: [],
    });
    if (!created) return;
    this.events.emit('queue');
    await this.toGroup(handoff, groupPost(this.texts, this.staffLang(handoff), handoff, org));
  }

  list(statuses: readonly HandoffStatus[]): Promise<Handoff[]> {
    return this.repo.list(statuses);
  }

  get(id: string): Promise<Handoff | undefined> {
    return this.repo.get(id);
  }

  async assign(id: string, by: string): Promise<Handoff | undefined> {
    const h = await this.repo.change(id, { kind: 'assign', by }, now());
    if (h) this.events.emit('queue');
    return h;
  }

  /** A staff member's reply: kept in the conversation and sent to the citizen, labelled as from a person. */
  async reply(id: string, by: string, text: string): Promise<Handoff | undefined> {
    const h = await this.repo.change(id, { kind: 'append', message: { at: now(), from: 'staff', text, by } }, now());
    if (!h) return undefined;
    if (h.status === 'waiting') await this.repo.change(id, { kind: 'assign', by }, now());
    this.events.emit('queue');
    const org = this.knowledge.organisation(h.org);
    await this.toCitizen(h.address, lines(this.texts.t(h.lang)('handoff.staff_label', nameValues(h.lang, undefined, org)), text), true);
    return (await this.repo.get(id)) ?? h;
  }

  /** Closed by staff: the citizen is told the bot answers again. */
  async close(id: string): Promise<Handoff | undefined> {
    const h = await this.repo.get(id);
    return h && this.end(h, 'staff');
  }

  private async end(h: Handoff, by: 'staff' | 'citizen'): Promise<Handoff | undefined> {
    const closed = await this.repo.change(h.id, { kind: 'close' }, now());
    if (!closed) return undefined;
    this.events.emit('queue');
    if (by === 'staff') await this.toCitizen(h.address, this.texts.t(h.lang)('handoff.closed'));
    await this.toGroup(h, this.texts.t(this.staffLang(h))(by === 'staff' ? 'handoff.group.closed' : 'handoff.group.left'));
    return closed;
  }

  /** Erasure of the conversation (forget_data): its open hand-over ends with it, and every transcript of it goes. */
  async forget(address: Address): Promise<void> {
    const open = await this.repo.openFor(address);
    if (open) await this.end(open, 'citizen');
    await this.repo.erase(address);
  }

  /**
   * The conversations waiting longer than HANDOFF_WAIT_MINUTES: the citizen is told, once (the
   * store's `told` takes each once, whichever instance checks), that nobody is free, with the
   * contacts. They stay in the queue.
   */
  async remindWaiting(at = Date.now()): Promise<number> {
    const due = (await this.repo.list(['waiting'])).filter((h) => !h.waitNoticeAt && Date.parse(h.createdAt) + this.waitMinutes * 60_000 <= at);
    let told = 0;
    for (const h of due) {
      if (!(await this.repo.change(h.id, { kind: 'told' }, now()))) continue;
      const org = this.knowledge.organisation(h.org);
      const t = this.texts.t(h.lang);
      await this.toCitizen(h.address, lines(t('handoff.no_one'), org && staffContacts({ k: this.knowledge, t, lang: h.lang }, org)));
      told++;
    }
    return told;
  }

  /** A reply to a staff group's post (`chatId:messageId`): from the organisation's group only, it answers the citizen; `/close` closes. False: not a hand-over's post. */
  async fromGroup(chatId: string, repliedTo: number, text: string, by: string): Promise<boolean> {
    const id = await this.repo.byPost(`${chatId}:${repliedTo}`);
    const h = id ? await this.repo.get(id) : undefined;
    if (!h || this.knowledge.organisation(h.org)?.handoff.telegramChatId !== chatId) return false;
    // One of the group's posts: handled here even when the conversation has closed since (the bot does not chat in the staff group).
    if (/^\/close(@\w+)?\s*$/i.test(text.trim())) await this.close(h.id);
    else await this.reply(h.id, by, text);
    return true;
  }

  /** @param staff a staff member's words (the web chat shows them as from a person) */
  private async toCitizen(address: Address, text: string, staff = false): Promise<void> {
    if (address.channel === 'web') {
      await this.inbox.push(address.id, `${newChangeId()}${staff ? STAFF_NOTICE : ''}`, text);
      this.events.emit('web', address.id);
    } else if (address.channel === 'telegram' && this.telegram) {
      await this.telegram.send(address.id, text);
    }
  }

  /** Posts to the organisation's staff group, when it names one; each post is linked to the conversation (a reply to it answers). */
  private async toGroup(h: Handoff, text: string): Promise<void> {
    const chatId = this.knowledge.organisation(h.org)?.handoff.telegramChatId;
    if (!chatId || !this.telegram) return;
    // The group is a second way in: a Bot API that fails here (after its retries) does not fail the citizen's turn; the console has it all.
    const ids = await this.telegram.post(chatId, text).catch(() => [] as number[]);
    for (const messageId of ids) await this.repo.change(h.id, { kind: 'post', post: `${chatId}:${messageId}` }, now());
  }

  /** Staff read the organisation's language (the bot's default when it names none). */
  private staffLang(h: Handoff): Lang {
    return this.knowledge.organisation(h.org)?.language ?? this.defaultLang;
  }

  private held(lang: Lang, text: string, session: Session): TurnResult {
    const nlu = { intent: 'human_agent', confidence: 1, lang, langConfidence: 1, entities: {}, bare: false };
    return { lang, reply: { text, quickReplies: [] }, nlu, session };
  }
}

const now = () => new Date().toISOString();
