import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { startApp } from '../support/helpers.js';
import { bearer } from '../support/staff.js';

/**
 * Finding 7 of issue #33: 500 junk questions a day pushed every real one out of the review list
 * and the insights (the day keeps 500 unanswered texts), and a count was of messages, not of the
 * people who asked.
 */
const TOKEN = 'junk-admin-token-0123456789';
let bot: ChatCore;
let app: FastifyInstance;
beforeAll(async () => {
  ({ bot, app } = await startApp({ ADMIN_TOKEN: TOKEN }));
});
afterAll(async () => {
  await app?.close();
  await bot?.close();
});

const chat = (text: string, remoteAddress: string, sessionId?: string) =>
  app.inject({ method: 'POST', url: '/api/chat', remoteAddress, payload: { text, ...(sessionId ? { sessionId } : {}), org: 'elche' } });
const REAL = '¿Puedo pagar el recibo del agua en la oficina?';

describe('the review list under junk', () => {
  it('keeps the real question, first, counted by the conversations that asked it; one conversation or address adds little', async () => {
    // One conversation sends 500 different junk messages...
    const first = (await chat('zqx junk 0', '203.0.113.1')).json().sessionId;
    for (let i = 1; i < 500; i++) await chat(`zqx junk ${i} ${'w'.repeat(i % 7)}`, '203.0.113.1', first);
    // ...one address 300 more, each from a new conversation, and one conversation the same text 50 times.
    for (let i = 0; i < 300; i++) await chat(`blorp spam ${i}`, '203.0.113.2');
    const repeat = (await chat('flurb flurb', '203.0.113.3')).json().sessionId;
    for (let i = 0; i < 49; i++) await chat('flurb flurb', '203.0.113.3', repeat);
    // Then three citizens, each from their own address, ask the same real question.
    for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) expect((await chat(REAL, ip)).json().nlu.intent).toBe('out_of_scope');

    const items = (await app.inject({ method: 'GET', url: '/api/admin/review', headers: bearer(TOKEN) })).json().items as { text: string; count: number }[];
    expect(items[0]).toMatchObject({ text: REAL, count: 3 });
    expect(items.filter((i) => i.text.startsWith('zqx junk'))).toHaveLength(5);
    expect(items.filter((i) => i.text.startsWith('blorp spam'))).toHaveLength(50);
    expect(items.find((i) => i.text === 'flurb flurb')).toMatchObject({ count: 1 });
    // Every message is still counted in the totals.
    const today = new Date().toISOString().slice(0, 10);
    expect((await bot.stats.query(today, today)).total).toBe(500 + 300 + 50 + 3);
  }, 60_000);
});
