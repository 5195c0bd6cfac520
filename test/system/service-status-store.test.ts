import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/app/assemble.js';
import { testConfig } from '../support/helpers.js';
import { eachStore, STORE_KINDS } from '../support/each-store.js';

/**
 * The live state of services on each store (memory, an SQLite file, a real redis-server), and a
 * service's change surviving a restart and reaching another instance. Two stores on one file or one
 * Redis stand for two instances.
 */
const { stores, dataDir, redisUrl } = eachStore('service-status');
const kinds = STORE_KINDS;

describe.each(kinds)('service status on %s', (kind) => {
  it('merges a change into the record: fields not given are kept, the note per language', async () => {
    const s = stores(kind);
    const id = `svc-${randomUUID()}`;
    expect(await s.serviceStatus.all([id])).toEqual(new Map());
    const first = await s.serviceStatus.change(id, { status: 'unavailable', expected: '2022-05-20', note: { es: 'Caída', it: 'Fuori servizio' }, updatedAt: '2022-05-05T08:00:00.000Z', updatedBy: 'ada' });
    expect(first).toEqual({ status: 'unavailable', expected: '2022-05-20', note: { es: 'Caída', it: 'Fuori servizio' }, updatedAt: '2022-05-05T08:00:00.000Z', updatedBy: 'ada' });
    const second = await s.serviceStatus.change(id, { note: { es: '' }, expected: '', updatedAt: '2022-05-06T08:00:00.000Z', updatedBy: 'api-token' });
    expect(second).toEqual({ status: 'unavailable', expected: '', note: { es: '', it: 'Fuori servizio' }, updatedAt: '2022-05-06T08:00:00.000Z', updatedBy: 'api-token' });
    expect((await s.serviceStatus.all([id, 'other'])).get(id)).toEqual(second);
    expect((await s.serviceStatus.all([id, 'other'])).has('other')).toBe(false);
  });

  it("keeps when each language of the note was written, merged per language like the note", async () => {
    const s = stores(kind);
    const id = `svc-${randomUUID()}`;
    await s.serviceStatus.change(id, { note: { es: 'Caída', it: 'Fuori servizio' }, noteWritten: { es: '2022-05-05T08:00:00.000Z', it: '2022-05-05T08:00:00.000Z' }, updatedAt: '2022-05-05T08:00:00.000Z' });
    const changed = await s.serviceStatus.change(id, { note: { es: 'Vuelve a funcionar' }, noteWritten: { es: '2022-05-06T09:00:00.000Z' }, updatedAt: '2022-05-06T09:00:00.000Z' });
    expect(changed.noteWritten).toEqual({ es: '2022-05-06T09:00:00.000Z', it: '2022-05-05T08:00:00.000Z' });
    expect((await s.serviceStatus.all([id])).get(id)).toEqual(changed);
  });

  if (kind !== 'memory')
    it('is seen by a second instance on the same store, and 20 changes at once each keep their field', async () => {
      const dir = path.join(dataDir, randomUUID());
      const [a, b] = [stores(kind, dir), stores(kind, dir)];
      const id = `svc-${randomUUID()}`;
      const langs = ['es', 'ca', 'it', 'sv', 'en'];
      await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).serviceStatus.change(id, { note: { [`${langs[i % 5]}${i}`]: `n${i}` }, updatedAt: new Date().toISOString() })));
      const record = (await a.serviceStatus.all([id])).get(id)!;
      expect(Object.keys(record.note!)).toHaveLength(20);
      expect((await b.serviceStatus.all([id])).get(id)).toEqual(record);
    });
});

describe('a service change in a running bot', () => {
  it('survives a restart on SQLite (DATA_DIR) and is answered after it', async () => {
    const dir = path.join(dataDir, randomUUID());
    const config = testConfig({ STORE: 'sqlite', DATA_DIR: dir });
    let bot = await assemble(config);
    const changed = await bot.services.update('ats-insubria-website', { status: 'available', note: { en: 'Back since this morning.' } }, 'ada');
    await bot.close();
    bot = await assemble(config);
    try {
      expect(bot.knowledge.serviceById('ats-insubria-website')).toEqual(changed);
      expect(bot.services.changedBy('ats-insubria-website')).toBe('ada');
      const reply = await bot.chat({ sessionId: 'after-restart', channel: 'web', text: 'Is the ATS Insubria website back?', lang: 'en' });
      expect(reply.reply.text).toContain('Back since this morning.');
      expect((await bot.services.auditLog()).map((e) => [e.service, e.actor, e.after.status])).toEqual([['ats-insubria-website', 'ada', 'available']]);
    } finally {
      await bot.close();
    }
  });

  it('reaches a second instance on one redis-server', async () => {
    const env = { STORE: 'redis', REDIS_URL: redisUrl() };
    const [a, b] = [await assemble(testConfig(env)), await assemble(testConfig(env))];
    try {
      await b.services.update('paiporta-e-office', { status: 'unavailable', expected: '2020-04-15' }, 'pau');
      expect(a.knowledge.serviceById('paiporta-e-office')!.status).toBe('available');
      await a.services.restore(); // what follow() does every few seconds
      expect(a.knowledge.serviceById('paiporta-e-office')).toMatchObject({ status: 'unavailable', expected: '2020-04-15' });
      const reply = await a.chat({ sessionId: 'on-a', channel: 'web', text: '¿Cómo pido el certificado de empadronamiento en Paiporta?', lang: 'es' });
      expect(reply.reply.text).toContain('pero ahora mismo no funciona');
    } finally {
      await a.close();
      await b.close();
    }
  });
});
