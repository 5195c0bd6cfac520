import { addressKey, type Retention } from '../types.js';
import type { Address } from '../../domain/types.js';
import { applyChange, byActivity, handoffCutoff, type Handoff, type HandoffChange, type HandoffRepository, type HandoffStatus } from './types.js';

const copy = (h: Handoff): Handoff => structuredClone(h);

/** STORE=memory: hand-overs in this process; the closed ones past retention are dropped as they are read. */
export class MemoryHandoffs implements HandoffRepository {
  private all = new Map<string, Handoff>();
  private open_ = new Map<string, string>();
  private posts = new Map<string, string>();

  constructor(private readonly retention: Retention) {}

  private purge(): void {
    const cutoff = handoffCutoff(this.retention);
    for (const [id, h] of this.all) {
      if (h.closedAt && Date.parse(h.closedAt) <= cutoff) {
        this.all.delete(id);
        for (const p of h.posts) this.posts.delete(p);
      }
    }
  }

  async open(handoff: Handoff): Promise<{ handoff: Handoff; created: boolean }> {
    const key = addressKey(handoff.address);
    const existing = this.open_.get(key);
    if (existing) return { handoff: copy(this.all.get(existing)!), created: false };
    this.all.set(handoff.id, copy(handoff));
    this.open_.set(key, handoff.id);
    return { handoff: copy(handoff), created: true };
  }

  async get(id: string): Promise<Handoff | undefined> {
    this.purge();
    const h = this.all.get(id);
    return h && copy(h);
  }

  async openFor(address: Address): Promise<Handoff | undefined> {
    const id = this.open_.get(addressKey(address));
    return id ? this.get(id) : undefined;
  }

  async list(statuses: readonly HandoffStatus[]): Promise<Handoff[]> {
    this.purge();
    return [...this.all.values()].filter((h) => statuses.includes(h.status)).map(copy).sort(byActivity);
  }

  async change(id: string, change: HandoffChange, at: string): Promise<Handoff | undefined> {
    const h = this.all.get(id);
    const next = h && applyChange(h, change, at);
    if (!next) return undefined;
    this.all.set(id, next);
    if (next.status === 'closed') this.open_.delete(addressKey(next.address));
    if (change.kind === 'post') this.posts.set(change.post, id);
    return copy(next);
  }

  async erase(address: Address): Promise<number> {
    const key = addressKey(address);
    const mine = [...this.all.values()].filter((h) => addressKey(h.address) === key);
    for (const h of mine) {
      this.all.delete(h.id);
      for (const p of h.posts) this.posts.delete(p);
    }
    this.open_.delete(key);
    return mine.length;
  }

  async byPost(post: string): Promise<string | undefined> {
    this.purge();
    return this.posts.get(post);
  }
}
