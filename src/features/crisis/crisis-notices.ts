import type { Knowledge } from '../../knowledge/knowledge.js';
import { restamp } from '../../knowledge/freshness.js';
import type { Lang, Text } from '../../knowledge/schema.js';
import type { Translate } from '../../shared/i18n.js';
import { inSomeLanguage, nameValues } from '../../conversation/context.js';
import type { CrisisNotice, CrisisNoticeRepository } from '../../storage/index.js';
import { newChangeId } from '../notifications/notices.js';
import type { TurnResult } from '../../conversation/types.js';

/** Told when a notice is set or ended by staff (its organisation's Telegram channel is told of a notice set). */
type Listener = (org: string, notice: CrisisNotice | undefined) => Promise<void> | void;

/**
 * The crisis notices: set and ended by staff (audited in the store's notice log), served from memory
 * to every turn, and ending by themselves at their `until` (nothing needs to run then: a notice past
 * it is no longer served). With several instances each re-reads the store every few seconds.
 */
export class CrisisNotices {
  private notices = new Map<string, CrisisNotice>();
  private follower?: NodeJS.Timeout;
  private listeners: Listener[] = [];

  constructor(
    private readonly repository: CrisisNoticeRepository,
    private readonly knowledge: Knowledge,
    private readonly now: () => number = () => Date.now(),
  ) {}

  async restore(): Promise<void> {
    this.notices = new Map((await this.repository.all()).map((n) => [n.org, n]));
  }

  follow(everyMs: number, onError: (err: unknown) => void): void {
    this.follower = setInterval(() => void this.restore().catch(onError), everyMs);
    this.follower.unref();
  }

  stop(): void {
    clearInterval(this.follower);
  }

  onChange(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** The organisation's notice while it lasts. */
  active(org: string | undefined): CrisisNotice | undefined {
    const notice = org ? this.notices.get(org) : undefined;
    return notice && Date.parse(notice.until) > this.now() ? notice : undefined;
  }

  /** Every notice in force, in the knowledge base's order of organisations. */
  allActive(): CrisisNotice[] {
    return this.knowledge.organisations.map((o) => this.active(o.id)).filter((n): n is CrisisNotice => !!n);
  }

  /**
   * Sets (or replaces) the organisation's notice. A language edited since the notice before is
   * written now; one left as it was keeps its time, and is stale when another one changed.
   */
  async set(org: string, text: Text, until: string, actor: string): Promise<CrisisNotice> {
    const at = new Date(this.now()).toISOString();
    const before = await this.current(org);
    const notice: CrisisNotice = { id: newChangeId(), org, text, written: restamp(before?.text ?? {}, text, before?.written, at), until, at, by: actor };
    const after = { id: notice.id, text, until };
    await this.repository.set(notice, { at, org, actor, action: 'set', after });
    this.notices.set(org, notice);
    for (const listener of this.listeners) await listener(org, notice);
    return notice;
  }

  /** Ends the organisation's notice; undefined when none was in force. */
  async end(org: string, actor: string): Promise<CrisisNotice | undefined> {
    const current = await this.current(org);
    if (!current || Date.parse(current.until) <= this.now()) return undefined;
    const at = new Date(this.now()).toISOString();
    const ended = await this.repository.end(org, { at, org, actor, action: 'end' });
    this.notices.delete(org);
    if (!ended) return undefined;
    for (const listener of this.listeners) await listener(org, undefined);
    return ended;
  }

  /** The log, oldest first: its size and a range (the admin API pages it). */
  get log(): Pick<CrisisNoticeRepository, 'size' | 'range'> {
    return this.repository;
  }

  /** The store's notice (another instance may have set it since this one last read), in force or not. */
  private async current(org: string): Promise<CrisisNotice | undefined> {
    return (await this.repository.all()).find((n) => n.org === org);
  }
}

/** A notice as a citizen reads it: whose it is, then its text in their language or marked as another (a stale one as the changed one). */
export function crisisNoticeText(k: Knowledge, t: Translate, lang: Lang, notice: Pick<CrisisNotice, 'org' | 'text'> & { written?: CrisisNotice['written'] }): string {
  const org = k.organisation(notice.org);
  const names = nameValues(lang, undefined, org);
  const own = notice.text[lang]?.trim();
  const text = inSomeLanguage(k, t, notice.text, notice.org, lang, 'crisis.notice_in', notice.written, names);
  return text === own ? t('crisis.notice', { ...names, text }) : text;
}

/**
 * A turn's reply, headed by the crisis notice of the organisation the conversation is about when
 * this conversation has not been shown it yet (by the entry point or once named); `everyOne` (a
 * greeting command with no organisation: Telegram's /start) heads it with every notice in force.
 */
export function withCrisisNotice(notices: CrisisNotices, k: Knowledge, t: Translate, result: TurnResult, everyOne: boolean): TurnResult {
  const org = result.session.organisation;
  const due = (org ? [notices.active(org)] : everyOne ? notices.allActive() : []).filter((n): n is CrisisNotice => !!n && !result.session.noticesShown?.includes(n.id));
  if (due.length === 0) return result;
  const shownIds = new Set(notices.allActive().map((n) => n.id)); // ids of ended notices are dropped
  const kept = (result.session.noticesShown ?? []).filter((id) => shownIds.has(id));
  const heading = due.map((n) => crisisNoticeText(k, t, result.lang, n)).join('\n\n');
  return {
    ...result,
    reply: { ...result.reply, text: `${heading}\n\n${result.reply.text}` },
    session: { ...result.session, noticesShown: [...kept, ...due.map((n) => n.id)] },
  };
}
