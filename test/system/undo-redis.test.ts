import { describe, expect, it } from 'vitest';
import type { Address } from '../../src/domain/types.js';
import { webInbox } from '../../src/features/webchat/inbox.js';
import { onOneRedis } from '../support/shared-redis.js';
import { bearer } from '../support/staff.js';

/**
 * An undo on Redis, two instances: the change is made on one, undone on the other. The notices
 * go through the shared BullMQ queue: those delivered get a correction, those still queued (the
 * Telegram ones, no instance sends to Telegram yet) are not delivered, nor corrected.
 */
const TOKEN = 'undo-redis-token-0123456789';
const OFFICE = 'elche-el-altet';
const { instances } = onOneRedis({ ADMIN_TOKEN: TOKEN }, { timeout: 60_000 });

describe('undo with two instances on one Redis', () => {
  it('corrects only those told, whichever instance undoes it', async () => {
    const [a, b] = instances;
    const web = { channel: 'web' as const, id: 'undo-redis-web' };
    await a.bot.subscriptions.add(OFFICE, web, 'es');
    await a.bot.subscriptions.add(OFFICE, { channel: 'telegram', id: '5150' }, 'it');

    const preview = await b.app.inject({ method: 'POST', url: `/api/admin/offices/${OFFICE}/preview`, headers: bearer(TOKEN), payload: { status: 'open', note: { es: 'Abierta por error.' } } });
    expect(preview.json().subscribers).toEqual({ total: 2, channels: { web: 1, telegram: 1 }, langs: { es: 1, it: 1 } });

    expect((await a.app.inject({ method: 'PATCH', url: `/api/admin/offices/${OFFICE}`, headers: bearer(TOKEN), payload: { status: 'open', note: { es: 'Abierta por error.' } } })).statusCode).toBe(200);
    await a.bot.notifier.drain();
    const inbox = webInbox(a.bot.stores.inbox);
    expect(await inbox.takeNotifications(web.id)).toEqual([expect.stringContaining('Abierta por error.')]);

    // B undoes it before its own re-read of the store: the undo reads the change and the state from the store.
    expect(b.bot.knowledge.office(OFFICE)!.status).toBe('reopening');
    const undone = await b.app.inject({ method: 'POST', url: `/api/admin/offices/${OFFICE}/undo`, headers: bearer(TOKEN) });
    expect(undone.statusCode).toBe(200);
    expect(undone.json().office.status).toBe('reopening');
    await b.bot.notifier.drain();
    const corrected = await inbox.takeNotifications(web.id);
    expect(corrected).toHaveLength(1);
    expect(corrected[0]).toMatch(/^Corrección sobre OMAC El Altet:/);
    expect(corrected[0]).not.toContain('Abierta por error.');
    // A serves it at its next re-read of the store (server.ts does it every 3 s on Redis).
    await a.bot.live.restore();
    expect(a.bot.knowledge.office(OFFICE)!.status).toBe('reopening');
    expect(a.bot.knowledge.office(OFFICE)!.notes.es ?? '').not.toContain('Abierta por error.');

    // Telegram starts on A now: the change's queued notice is not sent, and no correction goes there.
    const sent: [Address, string][] = [];
    a.bot.notifier.useSender('telegram', async (address, text) => void sent.push([address, text]));
    await a.bot.notifier.drain();
    expect(sent).toEqual([]);
    const [, undo] = (await a.app.inject({ method: 'GET', url: '/api/admin/audit', headers: bearer(TOKEN) })).json().entries.slice(-2);
    expect(undo).toMatchObject({ before: { status: 'open' }, after: { status: 'reopening' } });
    // A second undo is refused, on either instance.
    expect((await a.app.inject({ method: 'POST', url: `/api/admin/offices/${OFFICE}/undo`, headers: bearer(TOKEN) })).json().reason).toBe('undone');
  });
});
