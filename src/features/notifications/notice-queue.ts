import { createRequire } from 'node:module';
import type { Job, Queue, Worker } from 'bullmq';
import type * as Bull from 'bullmq';
import type { Redis as IORedisType } from 'ioredis';
import type { Address } from '../../domain/types.js';
import { addressKey, withinTime, type Change, type InboxRepository, type NoticeLogRepository, type SubscriptionRepository } from '../../storage/index.js';
import { isAnnouncement, isPermanent, recipientTest, type NotifierEvents, type Render, type Sender } from './notices.js';

const require = createRequire(import.meta.url); // BullMQ and ioredis load only with REDIS_URL

/**
 * Telegram allows about 30 messages a second per bot; notices take 20, leaving the rest to the
 * chats' own answers. BullMQ counts in fixed windows: ten of 100 ms keep any one second within 22.
 */
export const NOTICES_PER_SECOND = 20;
const LIMIT_WINDOW_MS = 100;
const ATTEMPTS = 10;
const PARALLEL_SENDS = 8;
/** Web notices written per round trip, Telegram deliveries queued per addBulk. */
const BATCH = 500;
/** Completed deliveries are kept a day: re-adding one (a fan-out taken over) finds it and adds nothing. */
const KEEP_DONE = { age: 24 * 3600 };

interface Delivery {
  changeId: string;
  address: Address;
  text: string;
  /** Set for an announcement: its deliveries are counted. */
  announcement?: boolean;
}

/**
 * Notifications through BullMQ on the shared Redis. A status change is one job (`change.<id>`)
 * whose worker, on whichever instance takes it, writes the web notices to their inboxes and
 * queues one job per Telegram subscriber with a deterministic id (`<change>.<subscriber>`): a
 * fan-out taken over after a crash queues nothing twice. Every instance works the queue within
 * one rate limit kept in Redis (all instances together stay within Telegram's); 429s, 5xx and an
 * unreachable Bot API are retried with exponential backoff; a job whose instance died is taken
 * over once its lock (10 s) runs out. Closing waits for the jobs in hand and takes no more.
 */
export class NoticeQueue {
  private readonly bull: typeof Bull;
  private readonly changes: Queue;
  private readonly telegram: Queue;
  private readonly workers: Worker[] = [];
  private readonly clients: IORedisType[] = [];
  private senders = new Map<Address['channel'], Sender>();

  constructor(
    private readonly url: string,
    private readonly subscriptions: SubscriptionRepository,
    private readonly inbox: InboxRepository,
    /** Who was told of each status change (an undo corrects exactly them); a withdrawn change's notices are not sent. */
    private readonly log: NoticeLogRepository,
    private readonly render: Render,
    private readonly events: NotifierEvents,
  ) {
    this.bull = require('bullmq') as typeof Bull;
    this.changes = new this.bull.Queue('chatbot-changes', { connection: this.client(false) });
    this.telegram = new this.bull.Queue('chatbot-telegram', { connection: this.client(false) });
    for (const q of [this.changes, this.telegram]) q.on('error', () => {}); // an outage shows through StoreHealth and the calls
    this.work(this.changes.name, (job) => this.fanOut(job.data as Change), { concurrency: 2 });
  }

  /**
   * A connection of its own for each queue and worker (a worker blocks on its own), on ioredis,
   * BullMQ's own driver (it reconnects its queues after an outage). A queue's commands fail at
   * once while Redis is away (a change is refused); a worker's wait until it is back.
   */
  private client(worker: boolean): IORedisType {
    const { Redis: IORedis } = require('ioredis') as typeof import('ioredis');
    const client = new IORedis(this.url, {
      maxRetriesPerRequest: worker ? null : 1,
      enableOfflineQueue: worker,
      retryStrategy: (times: number) => Math.min(100 * 2 ** times, 2000),
    });
    client.on('error', () => {});
    this.clients.push(client);
    return client;
  }

  private work(name: string, process: (job: Job) => Promise<void>, options: Partial<Bull.WorkerOptions>): void {
    const worker = new this.bull.Worker(name, process, {
      connection: this.client(true),
      lockDuration: 10_000,
      stalledInterval: 5_000,
      maxStalledCount: 5,
      ...options,
    });
    worker.on('error', () => {});
    worker.on('failed', (job, err) => {
      const channel = (job?.data as Delivery | undefined)?.address?.channel ?? 'web';
      if (job && job.attemptsMade < (job.opts.attempts ?? 1) && !(err instanceof this.bull.UnrecoverableError)) this.events.retried(channel, err);
      else this.events.failed(channel, err, (job?.data as Delivery | undefined)?.address ?? { channel, id: '' });
    });
    this.workers.push(worker);
  }

  useSender(channel: Address['channel'], sender: Sender): void {
    if (channel !== 'telegram' || this.senders.has(channel)) return;
    this.senders.set(channel, sender);
    this.work(this.telegram.name, (job) => this.deliver(job.data as Delivery), {
      concurrency: PARALLEL_SENDS,
      limiter: { max: (NOTICES_PER_SECOND * LIMIT_WINDOW_MS) / 1000, duration: LIMIT_WINDOW_MS },
    });
  }

  /** Queues the change's fan-out; refuses (StoreUnavailableError) if Redis does not take it within a second. */
  async enqueue(change: Change): Promise<void> {
    await withinTime(1000, () =>
      this.changes.add('change', change, { jobId: `change.${change.id}`, attempts: ATTEMPTS, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: KEEP_DONE, removeOnFail: KEEP_DONE }),
    );
  }

  private async fanOut(change: Change): Promise<void> {
    // An announcement to several offices reaches a subscriber of two once.
    const all = [...(await Promise.all((change.offices ?? [change.office.id]).map((o) => this.subscriptions.subscribers(o)))).flat(), ...(change.to ?? [])];
    // A correction: only those told of the change it corrects.
    const meant = recipientTest(change.office);
    const subscribers = [...new Map(all.map((s) => [addressKey(s.address), s])).values()].filter((s) => meant(addressKey(s.address)));
    const announcement = isAnnouncement(change.office);
    // Told before the notices are written: an undo from now on corrects them; withdrawn already, none is written.
    const tell = async (batch: typeof subscribers) => announcement || (await this.log.tell(change.id, batch.map((s) => addressKey(s.address))));
    const texts = new Map<string, string>();
    const text = (lang: Parameters<Render>[1]) => texts.get(lang) ?? texts.set(lang, this.render(change.office, lang)).get(lang)!;
    const web = subscribers.filter((s) => s.address.channel === 'web');
    for (let i = 0; i < web.length; i += BATCH) {
      const batch = web.slice(i, i + BATCH);
      if (!(await tell(batch))) return;
      // An inbox keeps one notice per change: writing it again (a fan-out taken over) changes nothing.
      await Promise.all(batch.map((s) => this.inbox.push(s.address.id, change.id, text(s.lang))));
    }
    if (web.length) this.events.delivered('web', web.length);
    if (web.length && announcement) this.events.announced?.(change.id, web.length);
    const telegram = subscribers.filter((s) => s.address.channel === 'telegram');
    for (let i = 0; i < telegram.length; i += BATCH) {
      await this.telegram.addBulk(
        telegram.slice(i, i + BATCH).map((s) => ({
          name: 'notice',
          data: { changeId: change.id, address: s.address, text: text(s.lang), ...(announcement ? { announcement } : {}) } satisfies Delivery,
          opts: {
            // BullMQ ids may not contain ':'.
            jobId: `${change.id}.${addressKey(s.address).replace(/:/g, '-')}`,
            attempts: ATTEMPTS,
            backoff: { type: 'exponential', delay: 1000 },
            removeOnComplete: KEEP_DONE,
            removeOnFail: KEEP_DONE,
          },
        })),
      );
    }
  }

  private async deliver(delivery: Delivery): Promise<void> {
    if (!delivery.announcement && !(await this.log.tell(delivery.changeId, [addressKey(delivery.address)]))) return; // undone meanwhile
    try {
      await this.senders.get(delivery.address.channel)!(delivery.address, delivery.text);
    } catch (err) {
      // The chat blocked the bot or does not exist: no attempt will change that.
      if (isPermanent(err)) throw new this.bull.UnrecoverableError((err as Error).message);
      throw err;
    }
    this.events.delivered(delivery.address.channel, 1);
    if (delivery.announcement) this.events.announced?.(delivery.changeId, 1);
  }

  /** Deliveries waiting, in hand or waiting for a retry, on every instance. */
  async pendingCount(): Promise<number> {
    const counts = await Promise.all([this.changes, this.telegram].map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'prioritized')));
    return counts.reduce((n, c) => n + Object.values(c).reduce((a, b) => a + b, 0), 0);
  }

  /** Resolves once the fan-outs are done and, where this instance sends to Telegram, its deliveries too. */
  async drain(): Promise<void> {
    const queues = this.senders.has('telegram') ? [this.changes, this.telegram] : [this.changes];
    for (;;) {
      const counts = await Promise.all(queues.map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'prioritized')));
      if (counts.every((c) => Object.values(c).every((n) => n === 0))) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Finishes the jobs in hand (their sends complete), takes no more; the rest waits in Redis. */
  async close(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.close()));
    await Promise.allSettled([this.changes.close(), this.telegram.close()]);
    for (const c of this.clients) c.disconnect();
  }
}
