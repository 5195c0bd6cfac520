import type { Office, Service, Text } from '../../knowledge/schema.js';
import type { Address } from '../../domain/types.js';
import { addressKey, type Change, type Delivery, type NoticeLogRepository, type OutboxRepository, type Subscriber } from '../../storage/index.js';
import type { NoticeQueue } from './notice-queue.js';
import { carrier, isAnnouncement, isPermanent, newChangeId, recipientTest, noEvents, type AnnouncementText, type Notice, type NotifierEvents, type Post, type Render, type Sender } from './notices.js';

export * from './notices.js';

/** Telegram deliveries made at once by one instance (the throttler keeps them within Telegram's limits). */
const PARALLEL_SENDS = 8;
/** Web notices written to inboxes per transaction. */
const WEB_BATCH = 500;

/**
 * Fans a status change out to the office's subscribers, one delivery per subscriber.
 * With Redis, through BullMQ (src/features/notifications/notice-queue.ts): shared by every instance.
 * Otherwise through the store's outbox, a row per delivery, claimed, made and deleted one by
 * one: a graceful restart repeats none, a crash at most those in flight, and none is lost.
 */
export class Notifier {
  private senders = new Map<Address['channel'], Sender>();
  private draining?: Promise<void>;
  private again = false;
  private stopped = false;
  private backoffMs = 0;
  private wake?: NodeJS.Timeout;
  /** An organisation's Telegram channel, as a recipient of its status changes (none by default). */
  private channelOf: (org: string) => Subscriber[] = () => [];

  constructor(
    private readonly outbox: OutboxRepository | undefined,
    /** Who was told of each status change: an undo corrects them, and no one else. */
    private readonly log: NoticeLogRepository,
    private readonly render: Render,
    private readonly events: NotifierEvents = noEvents,
    private readonly queue?: NoticeQueue,
  ) {
    // Claims left by a process that died are this instance's to make again (SQLite: one instance).
    void this.outbox?.releaseClaims().then(
      () => this.drain(),
      () => this.later(),
    );
  }

  /** Registers a channel's way to deliver; deliveries waiting for it start now. */
  useSender(channel: Address['channel'], sender: Sender): void {
    this.senders.set(channel, sender);
    if (this.queue) this.queue.useSender(channel, sender);
    else void this.drain();
  }

  /** Where an organisation's status changes are also posted (its Telegram channel, from the knowledge in service). */
  postTo(channelOf: (org: string) => Subscriber[]): void {
    this.channelOf = channelOf;
  }

  /** Records the deliveries of an office's change, its organisation's channel's too; refuses (StoreUnavailableError) if the store does not take them. */
  async enqueue(office: Office, id = newChangeId()): Promise<void> {
    await this.queued({ id, office, to: this.channelOf(office.organisation) });
  }

  /** Records the deliveries of a service's change: its subscribers and its organisation's channel, once each. */
  async enqueueService(service: Service, id = newChangeId()): Promise<void> {
    const office: Notice = { ...carrier(service.id, service.organisation, service.name), aboutService: service };
    await this.queued({ id, office, offices: [service.id], to: this.channelOf(service.organisation) });
  }

  /**
   * Posts a text of an organisation (in one or more languages) to its Telegram channel, once, through
   * the queue; false when it names none. Subscribers get nothing.
   */
  async post(org: string, texts: Text, id = newChangeId(), more: Pick<Post, 'written' | 'crisis'> = {}): Promise<boolean> {
    const to = this.channelOf(org);
    if (to.length === 0) return false;
    const office: Notice = { ...carrier(org, org, {}), post: { org, texts, ...more } };
    await this.queued({ id, office, offices: [], to });
    return true;
  }

  private async queued(change: Change): Promise<void> {
    if (this.queue) return this.queue.enqueue(change);
    await this.outbox!.enqueue(change);
    void this.drain();
  }

  /**
   * A change was undone: its notices not yet delivered are not delivered, and those who were told
   * of it get a correction (the office as it is now). Returns how many.
   */
  async correct(undone: string, office: Office, id: string): Promise<number> {
    const recipients = await this.log.withdraw(undone);
    if (recipients.length) await this.enqueue({ ...office, correction: { of: undone, recipients } } as Notice, id);
    return recipients.length;
  }

  /** Queues an announcement: once to each subscriber of the offices (a subscriber of two gets one). */
  async announce(office: Office, announcement: AnnouncementText, offices: string[]): Promise<void> {
    const change = { id: announcement.id, office: { ...office, announcement } as Notice, offices };
    if (this.queue) return this.queue.enqueue(change);
    await this.outbox!.enqueue(change);
    void this.drain();
  }

  /** Resolves once what can be delivered now has been (safe to call at any time). */
  drain(): Promise<void> {
    if (this.queue) return this.queue.drain();
    if (this.draining) {
      this.again = true; // a pass under way may have passed over what was just added
      return this.draining;
    }
    this.draining = (async () => {
      do {
        this.again = false;
        await this.deliverAll().catch(() => this.later()); // the store failed: try again after a pause
      } while (this.again && !this.stopped);
    })().finally(() => (this.draining = undefined));
    return this.draining;
  }

  async pendingCount(): Promise<number> {
    return this.queue ? this.queue.pendingCount() : this.outbox!.pending();
  }

  /** Stops after the deliveries in flight; what is left stays in the outbox or queue. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.wake);
    await Promise.all([this.draining, this.queue?.close()]);
  }

  private async deliverAll(): Promise<void> {
    const outbox = this.outbox!;
    while (!this.stopped) {
      const claimed = await outbox.claim(['web'], WEB_BATCH);
      if (claimed.length) {
        const web = await this.toTell(claimed);
        await outbox.deliverToInbox(web.map((delivery) => ({ delivery, text: this.text(delivery) })));
        this.events.delivered('web', web.length);
        this.countAnnounced(web);
        continue;
      }
      const channels = [...this.senders.keys()].filter((c) => c !== 'web');
      const claimedElsewhere = await outbox.claim(channels, PARALLEL_SENDS);
      if (claimedElsewhere.length === 0) return;
      const batch = await this.toTell(claimedElsewhere);
      const retry = (await Promise.all(batch.map((d) => this.send(d)))).filter((d): d is Delivery => d !== undefined);
      if (retry.length) {
        await outbox.release(retry);
        this.later();
        return;
      }
      this.backoffMs = 0;
    }
  }

  /**
   * The deliveries to make, recorded as told; the others are done without a word: those of a
   * change withdrawn by an undo, and a correction's to anyone not told of the change it corrects.
   */
  private async toTell(claimed: Delivery[]): Promise<Delivery[]> {
    const byChange = new Map<string, Delivery[]>();
    for (const d of claimed) byChange.set(d.changeId, [...(byChange.get(d.changeId) ?? []), d]);
    const kept = new Set<Delivery>();
    for (const [changeId, deliveries] of byChange) {
      const isMeant = recipientTest(deliveries[0].office);
      const meant = deliveries.filter((d) => isMeant(addressKey(d.subscriber.address)));
      // Announcements cannot be undone: nobody needs to know who read them.
      if (isAnnouncement(deliveries[0].office) || (await this.log.tell(changeId, meant.map((d) => addressKey(d.subscriber.address))))) for (const d of meant) kept.add(d);
    }
    const skipped = claimed.filter((d) => !kept.has(d));
    if (skipped.length) await this.outbox!.done(skipped);
    return [...kept];
  }

  /** Makes one delivery; returns it if it is to be made again later. */
  private async send(delivery: Delivery): Promise<Delivery | undefined> {
    const { channel } = delivery.subscriber.address;
    try {
      await this.senders.get(channel)!(delivery.subscriber.address, this.text(delivery));
      this.events.delivered(channel, 1);
      this.countAnnounced([delivery]);
    } catch (err) {
      if (!isPermanent(err)) {
        this.events.retried(channel, err);
        return delivery;
      }
      this.events.failed(channel, err, delivery.subscriber.address);
    }
    await this.outbox!.done([delivery]);
    return undefined;
  }

  /** A delivery failed for now: the drain tries again after a pause that doubles up to a minute. */
  private later(): void {
    this.backoffMs = Math.min(Math.max(this.backoffMs * 2, 1000), 60_000);
    clearTimeout(this.wake);
    this.wake = setTimeout(() => void this.drain(), this.backoffMs);
    this.wake.unref();
  }

  private countAnnounced(deliveries: Delivery[]): void {
    const byId = new Map<string, number>();
    for (const d of deliveries) if (isAnnouncement(d.office)) byId.set(d.changeId, (byId.get(d.changeId) ?? 0) + 1);
    for (const [id, n] of byId) this.events.announced?.(id, n);
  }

  private text(delivery: Delivery): string {
    return this.render(delivery.office, delivery.subscriber.lang);
  }
}

