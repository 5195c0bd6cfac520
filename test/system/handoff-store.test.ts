import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { DAY_MS, type Handoff } from '../../src/storage/index.js';
import { eachStore, STORE_KINDS } from '../support/each-store.js';

/**
 * The hand-over repository on each store (memory, an SQLite file, a real redis-server): one open
 * conversation per address, atomic changes, the staff group's posts, and HANDOFF_RETENTION_DAYS
 * after a conversation closes (the bot's clock moved forward).
 */
let offset = 0;
const clock = () => Date.now() + offset;
const { stores } = eachStore('handoff-store', { HANDOFF_RETENTION_DAYS: 30 }, clock);
const kinds = STORE_KINDS;
const at = () => new Date(clock()).toISOString();
function handoff(addressId: string): Handoff {
  return {
    id: randomUUID(),
    org: 'paiporta',
    address: { channel: 'web', id: addressId },
    lang: 'ca',
    status: 'waiting',
    createdAt: at(),
    activityAt: at(),
    transcript: 1,
    messages: [{ at: at(), from: 'citizen', text: 'Vull parlar amb una persona' }],
    posts: [],
  };
}

describe.each(kinds)('hand-overs on %s', (kind) => {
  it('one open conversation per address; changes are atomic; closing frees the address', async () => {
    offset = 0;
    const { handoffs } = stores(kind);
    const address = `browser-${kind}`;
    const first = await handoffs.open(handoff(address));
    expect(first.created).toBe(true);
    const again = await handoffs.open(handoff(address));
    expect(again).toMatchObject({ created: false, handoff: { id: first.handoff.id } });
    // Twenty messages at once: none lost.
    await Promise.all(Array.from({ length: 20 }, (_, i) => handoffs.change(first.handoff.id, { kind: 'append', message: { at: at(), from: 'citizen', text: `missatge ${i}` } }, at())));
    expect((await handoffs.get(first.handoff.id))!.messages).toHaveLength(21);
    // The wait notice is taken once, whoever asks.
    const told = await Promise.all([1, 2, 3].map(() => handoffs.change(first.handoff.id, { kind: 'told' }, at())));
    expect(told.filter(Boolean)).toHaveLength(1);
    expect(await handoffs.change(first.handoff.id, { kind: 'assign', by: 'pau' }, at())).toMatchObject({ status: 'assigned', assignee: 'pau' });
    await handoffs.change(first.handoff.id, { kind: 'post', post: '-100:7' }, at());
    expect(await handoffs.byPost('-100:7')).toBe(first.handoff.id);
    expect((await handoffs.list(['waiting', 'assigned'])).map((h) => h.id)).toEqual([first.handoff.id]);
    expect(await handoffs.change(first.handoff.id, { kind: 'close' }, at())).toMatchObject({ status: 'closed' });
    expect(await handoffs.openFor({ channel: 'web', id: address })).toBeUndefined();
    expect(await handoffs.change(first.handoff.id, { kind: 'append', message: { at: at(), from: 'staff', text: 'tard' } }, at())).toBeUndefined();
    const next = await handoffs.open(handoff(address));
    expect(next.created).toBe(true);
    expect(next.handoff.id).not.toBe(first.handoff.id);
    const empty = await handoffs.open({ ...handoff(`${address}-empty`), transcript: 0, messages: [] });
    expect((await handoffs.get(empty.handoff.id))!.messages).toEqual([]);
  });

  it('a closed conversation is deleted HANDOFF_RETENTION_DAYS after it closed, with its posts; an open one stays', async () => {
    offset = 0;
    const { handoffs } = stores(kind);
    const { handoff: closed } = await handoffs.open(handoff('old'));
    const { handoff: open } = await handoffs.open(handoff('still-open'));
    await handoffs.change(closed.id, { kind: 'post', post: '-100:9' }, at());
    await handoffs.change(closed.id, { kind: 'close' }, at());
    offset = 29 * DAY_MS;
    expect(await handoffs.get(closed.id)).toBeDefined();
    offset = 30 * DAY_MS + 60_000;
    expect(await handoffs.get(closed.id)).toBeUndefined();
    expect(await handoffs.list(['closed'])).toEqual([]);
    expect(await handoffs.byPost('-100:9')).toBeUndefined();
    expect((await handoffs.get(open.id))?.status).toBe('waiting');
  });

  it("erasure deletes every conversation of the address, open and closed, with their posts, and no one else's", async () => {
    offset = 0;
    const { handoffs } = stores(kind);
    const { handoff: closed } = await handoffs.open(handoff('erased'));
    await handoffs.change(closed.id, { kind: 'post', post: '-100:11' }, at());
    await handoffs.change(closed.id, { kind: 'close' }, at());
    const { handoff: open } = await handoffs.open(handoff('erased'));
    const { handoff: other } = await handoffs.open(handoff('kept'));
    expect(await handoffs.erase({ channel: 'web', id: 'erased' })).toBe(2);
    expect(await handoffs.get(closed.id)).toBeUndefined();
    expect(await handoffs.get(open.id)).toBeUndefined();
    expect(await handoffs.openFor({ channel: 'web', id: 'erased' })).toBeUndefined();
    expect(await handoffs.byPost('-100:11')).toBeUndefined();
    const left = (await handoffs.list(['waiting', 'assigned', 'closed'])).map((h) => h.id); // the store may hold other tests' too
    expect(left).toContain(other.id);
    expect(left).not.toContain(open.id);
    expect(left).not.toContain(closed.id);
    expect((await handoffs.open(handoff('erased'))).created).toBe(true);
  });
});

describe('hand-overs shared by two instances on one Redis', () => {
  it('a conversation opened on one is found, changed and closed on the other', async () => {
    offset = 0;
    const [a, b] = [stores('redis'), stores('redis')];
    const { handoff: h } = await a.handoffs.open(handoff('shared'));
    expect((await b.handoffs.open(handoff('shared'))).created).toBe(false);
    expect((await b.handoffs.openFor({ channel: 'web', id: 'shared' }))?.id).toBe(h.id);
    await Promise.all([
      a.handoffs.change(h.id, { kind: 'append', message: { at: at(), from: 'staff', text: 'des de A', by: 'pau' } }, at()),
      b.handoffs.change(h.id, { kind: 'append', message: { at: at(), from: 'citizen', text: 'des de B' } }, at()),
    ]);
    expect((await a.handoffs.get(h.id))!.messages.map((m) => m.text).slice(1).sort()).toEqual(['des de A', 'des de B']);
    const told = await Promise.all([a, b].map((s) => s.handoffs.change(h.id, { kind: 'told' }, at())));
    expect(told.filter(Boolean)).toHaveLength(1);
    await b.handoffs.change(h.id, { kind: 'close' }, at());
    expect(await a.handoffs.openFor({ channel: 'web', id: 'shared' })).toBeUndefined();
  });
});
