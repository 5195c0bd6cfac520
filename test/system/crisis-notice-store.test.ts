import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type CrisisNotice } from '../../src/storage/index.js';
import { Knowledge } from '../../src/knowledge/knowledge.js';
import { loadKnowledge } from '../../src/knowledge/loader.js';
import { CrisisNotices } from '../../src/features/crisis/crisis-notices.js';
import { ROOT } from '../../src/config.js';
import { eachStore, STORE_KINDS } from '../support/each-store.js';

/**
 * Crisis notices and the stamps of notes' languages on each store: memory, an SQLite file and a real
 * redis-server. Two stores on one Redis or file stand for two instances (or a restart).
 */
const { stores, dataDir } = eachStore('crisis-notices');
const kinds = STORE_KINDS;

const notice = (org: string, text: Record<string, string>, by = 'ana'): CrisisNotice => ({
  id: randomUUID(),
  org,
  text,
  written: { es: '2026-12-07T10:00:00.000Z' },
  until: '2026-12-08T20:00+01:00',
  at: '2026-12-07T10:00:00.000Z',
  by,
});
const entry = (n: CrisisNotice, action: 'set' | 'end') => ({ at: n.at, org: n.org, actor: n.by, action, ...(action === 'set' ? { after: { id: n.id, text: n.text, until: n.until } } : {}) });

describe.each(kinds)('crisis notices on %s', (kind) => {
  it('keep one notice per organisation, log each change with the one before, and are seen by another instance', async () => {
    const dir = path.join(dataDir, randomUUID());
    const org = `org-${randomUUID().slice(0, 8)}`;
    const a = stores(kind, dir);
    const first = notice(org, { es: 'Solo con cita previa.', ca: 'Només amb cita prèvia / barra' });
    expect(await a.crisisNotices.set(first, entry(first, 'set'))).toBeUndefined();
    const second = notice(org, { es: 'Atención solo por teléfono.' }, 'eli');
    expect(await a.crisisNotices.set(second, entry(second, 'set'))).toEqual(first);
    const other = notice(`${org}-b`, { it: 'Il sito è fuori servizio.' });
    await a.crisisNotices.set(other, entry(other, 'set'));

    // Another instance on the same store (memory has none: the same one).
    const b = kind === 'memory' ? a : stores(kind, dir);
    const mine = (await b.crisisNotices.all()).filter((n) => n.org.startsWith(org));
    expect(mine.sort((x, y) => x.org.localeCompare(y.org))).toEqual([second, other]);

    expect(await b.crisisNotices.end(org, entry(second, 'end'))).toEqual(second);
    expect(await a.crisisNotices.end(org, entry(second, 'end'))).toBeUndefined(); // nothing to end: not logged
    expect((await a.crisisNotices.all()).filter((n) => n.org === org)).toEqual([]);

    const size = await a.crisisNotices.size();
    const log = (await a.crisisNotices.range(0, size)).filter((e) => e.org === org);
    expect(log.map((e) => `${e.actor} ${e.action}`)).toEqual(['ana set', 'eli set', 'eli end']);
    expect(log[0].before).toBeUndefined();
    expect(log[1].before).toEqual({ id: first.id, text: first.text, until: first.until });
    expect(log[2].before).toEqual({ id: second.id, text: second.text, until: second.until });
    expect(await a.crisisNotices.range(size, size)).toEqual([]);
  });

  it("keep the stamps of an office note's languages, merged per language like the note", async () => {
    const s = stores(kind, path.join(dataDir, randomUUID()));
    const office = `office-${randomUUID().slice(0, 8)}`;
    await s.status.change(office, { note: { es: 'Cerrada.', ca: 'Tancada.' }, noteWritten: { es: 'T1', ca: 'T1' }, updatedAt: 'T1' });
    const merged = await s.status.change(office, { note: { es: 'Abierta.' }, noteWritten: { es: 'T2' }, updatedAt: 'T2' });
    expect(merged.note).toEqual({ es: 'Abierta.', ca: 'Tancada.' });
    expect(merged.noteWritten).toEqual({ es: 'T2', ca: 'T1' });
    expect((await s.status.all([office])).get(office)?.noteWritten).toEqual({ es: 'T2', ca: 'T1' });
  });
});

describe('crisis notices on two instances sharing a redis-server', () => {
  it('a notice set or ended on one is served or gone on the other once it re-reads the store', async () => {
    const knowledge = new Knowledge(loadKnowledge(path.join(ROOT, 'knowledge')));
    const [a, b] = [stores('redis', dataDir), stores('redis', dataDir)].map((s) => new CrisisNotices(s.crisisNotices, knowledge));
    b.follow(100, () => {});
    try {
      const set = await a.set('paiporta', { es: 'Solo atención telefónica hoy.' }, new Date(Date.now() + 3_600_000).toISOString(), 'ana');
      await expect.poll(() => b.active('paiporta')?.id, { timeout: 2000 }).toBe(set.id);
      await a.end('paiporta', 'ana');
      await expect.poll(() => b.active('paiporta'), { timeout: 2000 }).toBeUndefined();
    } finally {
      b.stop();
    }
  });
});
