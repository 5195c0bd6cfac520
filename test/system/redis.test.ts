import { describe, expect, it } from 'vitest';
import { say, sessionOf, webId } from '../support/helpers.js';
import { onOneRedis } from '../support/shared-redis.js';

const TOKEN = 'redis-admin-token-0123456789';
const { instances } = onOneRedis({ ADMIN_TOKEN: TOKEN });

describe('two instances on one redis-server', () => {
  it('use Redis', () => {
    expect(instances.map((i) => i.bot.stores.kind)).toEqual(['redis', 'redis']);
  });

  it('share sessions: a follow-up on the other instance keeps the office', async () => {
    const [a, b] = instances;
    const first = await say(a.app, 'shared-1', 'Is the Varese office of ATS Insubria open?');
    expect(first.nlu.entities.office).toBe('ats-insubria-varese');
    const second = await say(b.app, 'shared-1', 'and what is the phone number?');
    expect(second.nlu).toMatchObject({ intent: 'contact_phone', entities: { office: 'ats-insubria-varese' } });
    expect(second.reply.text).toContain('0332/277.111');
  });

  it('share subscriptions and status changes', async () => {
    const [a, b] = instances;
    const sub = await say(a.app, 'shared-2', 'notify me when OMAC El Altet reopens');
    expect(sub.nlu.intent).toBe('subscribe_updates');
    expect(await b.bot.subscriptions.subscribers('elche-el-altet')).toEqual([
      { address: { channel: 'web', id: webId(a.bot, 'shared-2') }, lang: 'en' },
    ]);
    const res = await b.app.inject({
      method: 'PATCH',
      url: '/api/admin/offices/elche-el-altet',
      headers: { authorization: `Bearer ${TOKEN}` },
      payload: { status: 'open' },
    });
    expect(res.statusCode).toBe(200);
    await b.bot.notifier.drain();
    // The notice waits in the shared store; instance A serves the poll.
    const notices = (await a.app.inject({ method: 'GET', url: `/api/chat/${sessionOf('shared-2')}/notifications` })).json().notifications;
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/OMAC El Altet is open/);
    // Instance A picks the change up from the store too.
    await a.bot.live.restore();
    expect((await say(a.app, 'shared-3', 'is OMAC El Altet open?')).reply.text).toMatch(/OMAC El Altet is open/);
  });

  it('lose nothing when both write at once: 400 questions and 40 subscriptions, half to each', async () => {
    const [a, b] = instances;
    const today = new Date().toISOString().slice(0, 10);
    await Promise.all([a.bot.stats.flush(), b.bot.stats.flush()]);
    const before = (await a.bot.stats.query(today, today)).total;
    const questions = ['Is OMAC Torrellano open?', '¿Está abierta la OMAC de Altabix?', 'hej', 'numero di telefono ATS Insubria'];
    const office = 'paiporta-oficina-unica'; // not fully open: asking to be told when it changes subscribes at once
    await Promise.all([
      ...Array.from({ length: 400 }, (_, i) => say(i % 2 ? a.app : b.app, `burst-q-${i}`, questions[i % questions.length])),
      ...Array.from({ length: 40 }, (_, i) => say(i % 2 ? a.app : b.app, `burst-s-${i}`, 'avísame cuando cambie la Oficina Única de Paiporta')),
    ]);
    await Promise.all([a.bot.stats.flush(), b.bot.stats.flush()]);
    expect((await b.bot.stats.query(today, today)).total - before).toBe(440);
    const ids = (await a.bot.subscriptions.subscribers(office)).map((s) => s.address.id).sort();
    // Kept under the ids the server issued (each conversation's instance signed its own).
    expect(ids).toEqual(Array.from({ length: 40 }, (_, i) => webId(i % 2 ? a.bot : b.bot, `burst-s-${i}`)).sort());
    expect(await b.bot.subscriptions.offices({ channel: 'web', id: webId(a.bot, 'burst-s-7')! })).toEqual([office]);
  });
});
