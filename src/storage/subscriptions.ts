import type Keyv from 'keyv';
import type { Lang } from '../knowledge/schema.js';
import type { Address, Subscriptions } from '../core/dialogue/types.js';
import { Serial } from './serial.js';

export interface Subscriber {
  address: Address;
  lang: Lang;
}

const key = (a: Address) => `${a.channel}:${a.id}`;

/** Subscriptions to office status changes, kept in keyv: one record per office, one per address. */
export class SubscriptionStore implements Subscriptions {
  /** Changes rewrite shared records: one at a time, or concurrent subscribers undo each other. */
  private readonly changes = new Serial();

  constructor(private readonly store: Keyv) {}

  async subscribers(office: string): Promise<Subscriber[]> {
    const map: Record<string, Subscriber> = (await this.store.get(`office:${office}`)) ?? {};
    return Object.values(map);
  }

  add(office: string, address: Address, lang: Lang): Promise<boolean> {
    return this.changes.run(async () => {
      const map: Record<string, Subscriber> = (await this.store.get(`office:${office}`)) ?? {};
      const existing = map[key(address)];
      map[key(address)] = { address, lang };
      await this.store.set(`office:${office}`, map);
      const offices: string[] = (await this.store.get(`address:${key(address)}`)) ?? [];
      if (!offices.includes(office)) await this.store.set(`address:${key(address)}`, [...offices, office]);
      return !existing;
    });
  }

  remove(address: Address, office?: string): Promise<number> {
    return this.changes.run(async () => {
      const offices: string[] = (await this.store.get(`address:${key(address)}`)) ?? [];
      const targets = office ? offices.filter((o) => o === office) : offices;
      for (const o of targets) {
        const map: Record<string, Subscriber> = (await this.store.get(`office:${o}`)) ?? {};
        delete map[key(address)];
        await this.store.set(`office:${o}`, map);
      }
      await this.store.set(`address:${key(address)}`, offices.filter((o) => !targets.includes(o)));
      return targets.length;
    });
  }
}
