import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type ScamEntry } from '../../src/storage/index.js';
import { eachStore, STORE_KINDS } from '../support/each-store.js';

/**
 * The scam list on each store: memory, an SQLite file and a real redis-server. Two stores on one
 * Redis or file stand for two instances: a contact listed at once on both is listed (and logged) once.
 */
const { stores, dataDir } = eachStore('scams');
const kinds = STORE_KINDS;
const entry = (org: string, id: string, value: string, at: string): ScamEntry => ({ id, org, kind: 'phone', value, written: value, by: 'ana', at });

describe.each(kinds)('the scam list on %s', (kind) => {
  it('lists, refuses a second listing, removes, and logs each change with who and when, per organisation', async () => {
    const s = stores(kind, path.join(dataDir, randomUUID()));
    const org = `org-${randomUUID().slice(0, 8)}`;
    const a = entry(org, 'aaaaaaaaaaaaaaaa', '+34600000000', '2026-01-01T10:00:00.000Z');
    const b = entry(org, 'bbbbbbbbbbbbbbbb', '+34600000001', '2026-01-01T11:00:00.000Z');
    expect(await s.scams.add(a)).toBe(true);
    expect(await s.scams.add({ ...a, by: 'bea' })).toBe(false);
    expect(await s.scams.add(b)).toBe(true);
    expect(await s.scams.add(entry('other', 'cccccccccccccccc', '+34600000002', '2026-01-01T12:00:00.000Z'))).toBe(true);
    expect(await s.scams.list(org)).toEqual([a, b]);
    expect((await s.scams.list()).filter((e) => e.org === org)).toEqual([a, b]);
    expect(await s.scams.remove(org, a.id, 'bea', '2026-01-02T09:00:00.000Z')).toEqual(a);
    expect(await s.scams.remove(org, a.id, 'bea', '2026-01-02T09:00:01.000Z')).toBeUndefined();
    expect(await s.scams.list(org)).toEqual([b]);
    expect(await s.scams.log(org)).toEqual([
      { at: '2026-01-02T09:00:00.000Z', actor: 'bea', action: 'remove', org, kind: 'phone', value: '+34600000000' },
      { at: b.at, actor: 'ana', action: 'add', org, kind: 'phone', value: '+34600000001' },
      { at: a.at, actor: 'ana', action: 'add', org, kind: 'phone', value: '+34600000000' },
    ]);
  });

  it.skipIf(kind === 'memory')('two instances listing the same contact at once list and log it once', async () => {
    const dir = path.join(dataDir, randomUUID());
    const [one, two] = [stores(kind, dir), stores(kind, dir)];
    const org = `org-${randomUUID().slice(0, 8)}`;
    const e = entry(org, 'dddddddddddddddd', '+39021234567', '2026-01-03T10:00:00.000Z');
    const results = await Promise.all([one.scams.add(e), two.scams.add({ ...e, by: 'bea' }), one.scams.add(e), two.scams.add(e)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await two.scams.list(org)).toHaveLength(1);
    expect(await one.scams.log(org)).toHaveLength(1);
  });
});
