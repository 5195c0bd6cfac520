import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { handoffKnowledge } from '../support/handoff-kb.js';
import { postChat, say, startApp } from '../support/helpers.js';
import { addStaff, logIn, withSession, type StaffLogin } from '../support/staff.js';

/**
 * Finding 6 of issue #33: a citizen in a hand-over could send any number of messages (a transcript
 * grew to 1.15 MB), and the console got the whole queue, every message of every conversation,
 * every 3 s.
 */
const TOKEN = 'handoff-flood-token-0123456789';
let bot: ChatCore;
let app: FastifyInstance;
let pau: StaffLogin;

beforeAll(async () => {
  const dir = handoffKnowledge({ paiporta: { timeZone: 'Europe/Madrid', handoff: { enabled: true } } });
  ({ bot, app } = await startApp({ ADMIN_TOKEN: TOKEN, KNOWLEDGE_DIR: dir }));
  await addStaff(app, TOKEN, { username: 'pau', role: 'editor', orgs: ['paiporta'] });
  pau = await logIn(app, 'pau');
});
afterAll(async () => {
  vi.useRealTimers();
  await app?.close();
  await bot?.close();
});

async function handedOver(name: string): Promise<void> {
  await postChat(app, { sessionId: name, text: 'Hola', org: 'paiporta', lang: 'es' });
  await say(app, name, 'Quiero hablar con una persona', 'es');
}
type Queue = { handoffs: { id: string; messages: { from: string; text: string }[]; transcript: number }[]; ids: string[]; at: string };
const queue = async (query = '') => (await app.inject({ method: 'GET', url: `/api/admin/handoffs${query}`, headers: withSession(pau) })).json() as Queue;
const theirs = (h: Queue['handoffs'][number]) => h.messages.slice(h.transcript).filter((m) => m.from === 'citizen');

describe('a citizen flooding a hand-over', () => {
  it('gets 10 messages a minute and 100 in all to staff; past them the bot asks them to wait and keeps nothing', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    await handedOver('flood-1');
    const wait = bot.texts.t('es')('handoff.wait');
    const replies: string[] = [];
    for (let i = 0; i < 15; i++) replies.push((await say(app, 'flood-1', `mensaje número ${i}`, 'es')).reply.text);
    expect(replies.slice(10)).toEqual(Array(5).fill(wait));
    expect(replies.slice(0, 10)).not.toContain(wait);
    let h = (await queue()).handoffs.find((x) => theirs(x).some((m) => m.text === 'mensaje número 0'))!;
    expect(theirs(h).map((m) => m.text)).toEqual(Array.from({ length: 10 }, (_, i) => `mensaje número ${i}`));

    // A minute later ten more, and so on up to 100.
    for (let minute = 1; minute <= 11; minute++) {
      vi.setSystemTime(Date.now() + 61_000);
      for (let i = 0; i < 10; i++) await say(app, 'flood-1', `minuto ${minute}, mensaje ${i}`, 'es');
    }
    h = (await queue()).handoffs.find((x) => x.id === h.id)!;
    expect(theirs(h)).toHaveLength(100);
    expect((await say(app, 'flood-1', 'uno más', 'es')).reply.text).toBe(wait);
    vi.useRealTimers();
    // Closed: out of the queue the next test reads (its times are eleven minutes ahead).
    expect((await app.inject({ method: 'POST', url: `/api/admin/handoffs/${h.id}/close`, headers: withSession(pau) })).statusCode).toBe(200);
  });
});

describe("the console's queue", () => {
  it('with `since`, sends only the hand-overs changed since, and the ids of the whole queue', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    await handedOver('flood-2');
    await handedOver('flood-3');
    // Ten seconds later (past the few seconds instances' clocks may differ), the console reads the queue.
    vi.setSystemTime(Date.now() + 10_000);
    const all = await queue();
    expect(all.handoffs).toHaveLength(2);
    expect(all.ids).toEqual(all.handoffs.map((h) => h.id));
    const nothing = await queue(`?since=${encodeURIComponent(all.at)}`);
    expect(nothing.handoffs).toEqual([]);
    expect(nothing.ids).toEqual(all.ids);
    // One citizen writes: that conversation alone comes again.
    await say(app, 'flood-3', 'sigo aquí', 'es');
    const changed = await queue(`?since=${encodeURIComponent(all.at)}`);
    expect(changed.handoffs.map((h) => theirs(h).at(-1)?.text)).toEqual(['sigo aquí']);
    expect(changed.ids).toEqual([changed.handoffs[0].id, ...all.ids.filter((id) => id !== changed.handoffs[0].id)]);
    vi.useRealTimers();
    expect((await app.inject({ method: 'GET', url: '/api/admin/handoffs?since=yesterday', headers: withSession(pau) })).statusCode).toBe(400);
  });
});
