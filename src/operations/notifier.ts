import { randomUUID } from 'node:crypto';
import type Keyv from 'keyv';
import type { Lang, Office } from '../knowledge/schema.js';
import type { SubscriptionStore, Subscriber } from '../storage/subscriptions.js';
import type { Address } from '../core/dialogue/types.js';
import { Serial } from '../storage/serial.js';

/** One status change waiting to reach its subscribers: kept in the store until every one has it. */
interface OutboxEntry {
  id: string;
  office: Office;
  pending: Subscriber[];
}

export type Sender = (address: Address, text: string) => Promise<void>;

/**
 * Fans a status change out to the office's subscribers through an outbox kept in the store:
 * each delivery is crossed off as it is made, so a restart in the middle resumes where it
 * stopped, losing none and repeating none.
 */
export class Notifier {
  private senders = new Map<Address['channel'], Sender>();
  private draining?: Promise<void>;
  private stopped = false;
  /** The queue record is rewritten by enqueue and by the drain: one change at a time. */
  private readonly queueChanges = new Serial();

  constructor(
    private readonly outbox: Keyv,
    private readonly subscriptions: SubscriptionStore,
    private readonly render: (office: Office, lang: Lang) => string,
    private readonly onError: (err: unknown, address: Address) => void = () => {},
  ) {}

  /** Registers a channel's way to deliver; deliveries waiting for it start now. */
  useSender(channel: Address['channel'], sender: Sender): void {
    this.senders.set(channel, sender);
    // A drain under way may already have passed over this channel's deliveries: one more pass after it.
    void this.drain().then(() => this.drain());
  }

  private updateQueue(change: (queue: string[]) => string[]): Promise<void> {
    return this.queueChanges.run(async () => {
      const queue: string[] = (await this.outbox.get('queue')) ?? [];
      await this.outbox.set('queue', change(queue));
    });
  }

  async enqueue(office: Office): Promise<void> {
    const pending = await this.subscriptions.subscribers(office.id);
    if (pending.length === 0) return;
    const entry: OutboxEntry = { id: randomUUID(), office, pending };
    await this.outbox.set(entry.id, entry);
    await this.updateQueue((queue) => [...queue, entry.id]);
    void this.drain();
  }

  /** Delivers everything in the outbox; safe to call at any time (one drain runs at once). */
  drain(): Promise<void> {
    this.draining ??= this.deliverAll().finally(() => (this.draining = undefined));
    return this.draining;
  }

  async pendingCount(): Promise<number> {
    let n = 0;
    for (const id of ((await this.outbox.get('queue')) ?? []) as string[]) {
      n += ((await this.outbox.get(id)) as OutboxEntry | undefined)?.pending.length ?? 0;
    }
    return n;
  }

  /** Stops after the delivery in flight; what is left stays in the outbox for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.draining;
  }

  private async deliverAll(): Promise<void> {
    // Entries left with deliveries for a channel not started yet (useSender() resumes them); the
    // other channels' subscribers are not held up behind them.
    const waiting = new Set<string>();
    for (;;) {
      if (this.stopped) return; // before touching the store: it may be closed already
      const queue: string[] = (await this.outbox.get('queue')) ?? [];
      const id = queue.find((i) => !waiting.has(i));
      if (id === undefined) return;
      const entry: OutboxEntry | undefined = await this.outbox.get(id);
      for (const next of [...(entry?.pending ?? [])]) {
        if (this.stopped) return;
        const send = this.senders.get(next.address.channel);
        if (!send) continue; // that channel is not started yet
        try {
          await send(next.address, this.render(entry!.office, next.lang));
        } catch (err) {
          this.onError(err, next.address); // the sender already retried; one notice per change
        }
        entry!.pending = entry!.pending.filter((p) => p !== next);
        await this.outbox.set(id, entry);
      }
      if (entry && entry.pending.length > 0) {
        waiting.add(id);
        continue;
      }
      await this.outbox.delete(id);
      await this.updateQueue((queue) => queue.filter((i) => i !== id));
    }
  }
}
