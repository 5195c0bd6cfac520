import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { postChat, startApp, webId } from '../support/helpers.js';
import { addStaff, bearer, logIn, withSession, type StaffLogin } from '../support/staff.js';

/**
 * Finding 3 of issue #33: five examples a Paiporta editor taught (forget_data, about Altabix's
 * afternoon hours) made an Elche citizen's question read as erasure (0.93): the bot erased that
 * citizen's conversation and subscription, and the guard rail did not object.
 */
const TOKEN = 'scope-admin-token-0123456789';
let bot: ChatCore;
let app: FastifyInstance;
let elche: StaffLogin;
let paiporta: StaffLogin;

beforeAll(async () => {
  ({ bot, app } = await startApp({ ADMIN_TOKEN: TOKEN }));
  await addStaff(app, TOKEN, { username: 'elena', role: 'editor', orgs: ['elche'] });
  await addStaff(app, TOKEN, { username: 'pau', role: 'editor', orgs: ['paiporta'] });
  [elche, paiporta] = [await logIn(app, 'elena'), await logIn(app, 'pau')];
}, 60_000);
// Each test starts from intents/ alone.
beforeEach(async () => {
  for (const e of await bot.stores.examples.list()) await bot.teaching.forget(e.id);
}, 30_000);
afterAll(async () => {
  await app?.close();
  await bot?.close();
});

const ASKED = 'when does the Altabix OMAC open in the afternoon?';
const ATTACK = ['when does Altabix open in the afternoon', 'Altabix OMAC afternoon opening time', 'what time does the Altabix office open after lunch', 'is Altabix open in the afternoons', 'afternoon hours of the OMAC in Altabix'];

/** A new conversation of `org` reads `text`: its intent and confidence. */
async function reading(text: string, org: string, lang = 'en') {
  const res = await app.inject({ method: 'POST', url: '/api/chat', payload: { text, org, lang } });
  const { intent, confidence } = res.json().nlu;
  return { intent, confidence };
}
const teach = (headers: Record<string, string>, payload: object) => app.inject({ method: 'POST', url: '/api/admin/examples', headers, payload });

describe("one organisation's examples", () => {
  it("an editor may not teach erasure or unsubscribing, from the list or directly; the console's intents leave them out", async () => {
    for (const intent of ['forget_data', 'unsubscribe_updates']) {
      const res = await teach(withSession(paiporta), { text: ATTACK[0], lang: 'en', intent });
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().message).toContain(`Only an admin may teach ${intent}`);
    }
    await postChat(app, { sessionId: 'scope-review', text: 'zorblax quimbo altabix', org: 'paiporta' });
    const item = ((await app.inject({ method: 'GET', url: '/api/admin/review', headers: withSession(paiporta) })).json().items as { id: string; text: string }[]).find((i) => i.text.includes('altabix'))!;
    expect((await app.inject({ method: 'POST', url: `/api/admin/review/${item.id}`, headers: withSession(paiporta), payload: { intent: 'forget_data' } })).statusCode).toBe(403);
    expect(await bot.stores.examples.list()).toEqual([]);
    const intents = (await app.inject({ method: 'GET', url: '/api/admin/nlu', headers: withSession(paiporta) })).json().intents;
    expect(intents).toContain('office_hours');
    expect(intents).not.toContain('forget_data');
    expect(intents).not.toContain('unsubscribe_updates');
  });

  it("taught for Paiporta, even by an admin, never read an Elche citizen's afternoon question as erasure: the guard rail refuses them (an Elche validation message flips in Paiporta's model)", async () => {
    // An Elche citizen with a subscription: erasure would remove it.
    await postChat(app, { sessionId: 'scope-elche', text: 'avísame cuando abra la OMAC de El Altet', org: 'elche' });
    const address = { channel: 'web' as const, id: webId(bot, 'scope-elche')! };
    expect(await bot.subscriptions.offices(address)).toEqual(['elche-el-altet']);
    const before = await reading(ASKED, 'elche');
    expect(before.intent).toBe('office_hours');

    const refusals: string[] = [];
    for (const text of ATTACK) {
      const res = await teach(bearer(TOKEN), { text, lang: 'en', intent: 'forget_data', org: 'paiporta' });
      expect([201, 422], res.body).toContain(res.statusCode);
      if (res.statusCode === 422) refusals.push(res.json().message);
    }
    // Once they would make Paiporta's model read the Elche validation message as erasure, they are refused.
    expect(refusals.some((m) => m.includes('the model of paiporta') && m.includes('office_hours read as forget_data')), refusals.join('\n')).toBe(true);
    expect((await reading(ASKED, 'paiporta')).intent).toBe('office_hours');

    const asked = await postChat(app, { sessionId: 'scope-elche', text: ASKED });
    expect(asked.json().nlu.intent).toBe('office_hours');
    expect(await reading(ASKED, 'elche')).toEqual(before);
    expect(await bot.subscriptions.offices(address)).toEqual(['elche-el-altet']);
  }, 60_000);

  it("an editor's accepted examples move their organisation's reading and leave another's exactly as it was", async () => {
    const unseen = 'necesito el volante para matricular a mi hijo en el instituto';
    const [elcheBefore, paiportaBefore] = [await reading(unseen, 'elche', 'es'), await reading(unseen, 'paiporta', 'es')];
    expect(paiportaBefore.intent).not.toBe('certificate_request');
    for (const text of ['tengo que sacar el volante para matricular al niño', 'me piden el volante para matricular a mi hija en el cole']) {
      const res = await teach(withSession(paiporta), { text, lang: 'es', intent: 'certificate_request' });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().example.org).toBe('paiporta');
    }
    expect((await reading(unseen, 'paiporta', 'es')).intent).toBe('certificate_request');
    expect(await reading(unseen, 'elche', 'es')).toEqual(elcheBefore);
    // Paiporta's editor sees its model; Elche's, the shared one its conversations use.
    const status = async (s: StaffLogin) => (await app.inject({ method: 'GET', url: '/api/admin/nlu', headers: withSession(s) })).json();
    expect(await status(paiporta)).toMatchObject({ taught: 2, organisations: [{ org: 'paiporta', taught: 2 }] });
    expect(await status(elche)).toMatchObject({ taught: 0, version: 'intents', organisations: [] });
    for (const e of await bot.stores.examples.list()) await bot.teaching.forget(e.id);
    expect(await reading(unseen, 'paiporta', 'es')).toEqual(paiportaBefore);
  }, 60_000);

  it('a change that flips a single validation message of the shared model is refused', async () => {
    // Taught until it would flip: the first examples may leave the message's reading as it was (the
    // model weighs one example against hundreds); the one that flips it is refused and not kept.
    let res;
    for (const text of ['when does the Altabix OMAC open in the afternoon', ...ATTACK]) {
      res = await teach(bearer(TOKEN), { text, lang: 'en', intent: 'appointment' });
      if (res.statusCode !== 201) break;
    }
    expect(res!.statusCode, res!.body).toBe(422);
    res = res!;
    expect(res.json().refusal.confused).toEqual([{ expected: 'office_hours', got: 'appointment', count: 1, examples: [ASKED] }]);
    expect(res.json().refusal.org).toBeUndefined();
    expect((await reading(ASKED, 'elche')).intent).toBe('office_hours');
  }, 60_000);
});

describe('review dismissals', () => {
  it("are per organisation: Paiporta's editor dismissing a message asked in both leaves it on Elche's list", async () => {
    const text = 'cuál es vuestro plato típico de las fiestas';
    await postChat(app, { sessionId: 'dismiss-e', text, org: 'elche' });
    await postChat(app, { sessionId: 'dismiss-p', text, org: 'paiporta' });
    const list = async (s: StaffLogin) => (await app.inject({ method: 'GET', url: '/api/admin/review', headers: withSession(s) })).json().items as { id: string; text: string }[];
    const item = (await list(paiporta)).find((i) => i.text === text)!;
    expect((await list(elche)).some((i) => i.id === item.id)).toBe(true);
    expect((await app.inject({ method: 'POST', url: `/api/admin/review/${item.id}`, headers: withSession(paiporta), payload: { intent: 'dismiss' } })).json()).toEqual({ dismissed: item.id });
    expect((await list(paiporta)).some((i) => i.id === item.id)).toBe(false);
    expect((await list(elche)).some((i) => i.id === item.id)).toBe(true);
    // An admin sees it until every organisation it was asked about has settled it.
    const admin = async () => (await app.inject({ method: 'GET', url: '/api/admin/review', headers: bearer(TOKEN) })).json().items as { id: string }[];
    expect((await admin()).some((i) => i.id === item.id)).toBe(true);
    await app.inject({ method: 'POST', url: `/api/admin/review/${item.id}`, headers: withSession(elche), payload: { intent: 'dismiss' } });
    expect((await admin()).some((i) => i.id === item.id)).toBe(false);
  });
});
