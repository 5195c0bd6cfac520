import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TOLD_KEPT_MS } from '../../src/storage/index.js';
import { eachStore, STORE_KINDS } from '../support/each-store.js';

/**
 * Who was told of a change (for an undo's correction) and status records put back, on each store:
 * memory, an SQLite file and a real redis-server. Two stores on one Redis or file stand for two instances.
 */
let offset = 0;
const clock = () => Date.now() + offset;
const { stores, dataDir, redisUrl } = eachStore('notice-log', {}, clock);
const kinds = STORE_KINDS;

describe.each(kinds)('the notice log on %s', (kind) => {
  it('records who was told until the change is withdrawn, then refuses; withdrawing returns them', async () => {
    const s = stores(kind);
    const change = randomUUID();
    expect(await s.noticeLog.tell(change, ['web:a', 'telegram:1'])).toBe(true);
    expect(await s.noticeLog.tell(change, ['web:a', 'web:b'])).toBe(true);
    expect((await s.noticeLog.withdraw(change)).sort()).toEqual(['telegram:1', 'web:a', 'web:b']);
    // Withdrawn: no delivery of it from now on, whoever asks.
    expect(await s.noticeLog.tell(change, ['web:c'])).toBe(false);
    expect(await s.noticeLog.tell(change, [])).toBe(false);
    expect((await s.noticeLog.withdraw(change)).sort()).toEqual(['telegram:1', 'web:a', 'web:b']);
    // Another change is untouched.
    expect(await s.noticeLog.tell(randomUUID(), ['web:a'])).toBe(true);
  });

  it('forgets who was told after half an hour (longer than the undo window)', async () => {
    const s = stores(kind);
    const change = randomUUID();
    await s.noticeLog.tell(change, ['web:a']);
    if (kind === 'redis') {
      // Redis expires the key by its own clock: its time to live is what is checked.
      const client = (await import('@keyv/redis')).createClient({ url: redisUrl() });
      await client.connect();
      const ttl = await client.pTTL(`chatbot:notice:told:${change}`);
      await client.close();
      expect(ttl).toBeGreaterThan(TOLD_KEPT_MS - 5000);
      expect(ttl).toBeLessThanOrEqual(TOLD_KEPT_MS);
      return;
    }
    offset += TOLD_KEPT_MS + 1000;
    try {
      expect(await s.noticeLog.withdraw(change)).toEqual([]);
    } finally {
      offset -= TOLD_KEPT_MS + 1000;
    }
  });

  it('a status record put back replaces it whole (the fields it lacks are gone)', async () => {
    const s = stores(kind);
    const office = `office-${randomUUID()}`;
    await s.status.change(office, { status: 'open', expectedReopening: 'mañana', note: { es: 'Nota', ca: 'Nota' }, updatedAt: '2026-12-07T10:00:00Z' });
    await s.status.replace(office, { status: 'reopening', note: { es: '' }, updatedAt: '2026-12-07T10:05:00Z', updatedBy: 'ana' });
    expect((await s.status.all([office])).get(office)).toEqual({ status: 'reopening', note: { es: '' }, updatedAt: '2026-12-07T10:05:00Z', updatedBy: 'ana' });
  });
});

describe('two instances on one store', () => {
  it.each(['sqlite', 'redis'] as const)('%s: a withdrawal on one is seen by the other', async (kind) => {
    const dir = path.join(dataDir, randomUUID());
    const [a, b] = [stores(kind, dir), stores(kind, dir)];
    const change = randomUUID();
    expect(await a.noticeLog.tell(change, ['web:a'])).toBe(true);
    expect(await b.noticeLog.withdraw(change)).toEqual(['web:a']);
    expect(await a.noticeLog.tell(change, ['web:b'])).toBe(false);
  });
});
