import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { handoffKnowledge, hoursNotToday } from '../support/handoff-kb.js';
import { postChat, say, sessionOf, startApp, webId, type ChatResponse } from '../support/helpers.js';
import { addStaff, logIn, withSession, type StaffLogin } from '../support/staff.js';

/**
 * Hand-over to staff through the API: a web citizen asks for a person, a Paiporta editor answers
 * in the console's API, the reply comes back by the events stream and by the poll.
 */
const TOKEN = 'handoff-admin-token-0123456789';
const TZ = 'Europe/Madrid';
let bot: ChatCore;
let app: FastifyInstance;
let base: string;
let paiporta: StaffLogin;
let elche: StaffLogin;

beforeAll(async () => {
  const dir = handoffKnowledge({
    // Paiporta hands over at any time; Elche only on days other than today.
    paiporta: { timeZone: TZ, handoff: { enabled: true } },
    elche: { timeZone: TZ, handoff: { enabled: true, hours: hoursNotToday(TZ) } },
  });
  ({ bot, app } = await startApp({ ADMIN_TOKEN: TOKEN, KNOWLEDGE_DIR: dir }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  await addStaff(app, TOKEN, { username: 'pau', role: 'editor', orgs: ['paiporta'] });
  await addStaff(app, TOKEN, { username: 'elena', role: 'editor', orgs: ['elche'] });
  [paiporta, elche] = [await logIn(app, 'pau'), await logIn(app, 'elena')];
});
afterAll(async () => {
  await app?.close();
  await bot?.close();
});

const api = (method: 'GET' | 'POST', url: string, who: StaffLogin, payload?: object) =>
  app.inject({ method, url: `/api/admin/handoffs${url}`, headers: withSession(who), ...(payload ? { payload } : {}) });
const queue = async (who: StaffLogin, status = '') => (await api('GET', status ? `?status=${status}` : '', who)).json().handoffs as { id: string; status: string; lang: string; channel: string; org: string; messages: { from: string; text: string }[]; transcript: number }[];
const poll = async (name: string): Promise<string[]> => (await app.inject({ method: 'GET', url: `/api/chat/${sessionOf(name)}/notifications` })).json().notifications;

/** Opens a web chat about an organisation and asks for a person; the reply. */
async function askForPerson(name: string, org: string): Promise<ChatResponse> {
  const first = await postChat(app, { sessionId: name, text: 'Hola, necesito un certificado de empadronamiento', org, lang: 'es' });
  expect(first.statusCode).toBe(200);
  return say(app, name, 'Quiero hablar con una persona', 'es');
}

/** Reads the events stream until a notice arrives; its data. */
async function nextEvent(name: string, whileOpen: () => Promise<unknown>): Promise<{ text: string; from: string }> {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/chat/${sessionOf(name)}/events`, { signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  await reader.read(); // the stream is open: the retry line
  await whileOpen();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended');
      buffer += decoder.decode(value, { stream: true });
      const event = /event: notice\ndata: (.*)\n\n/.exec(buffer);
      if (event) return JSON.parse(event[1]);
    }
  } finally {
    controller.abort();
  }
}

describe('hand-over to staff on the web chat', () => {
  it('opens a waiting conversation for Paiporta staff, with the transcript; Elche staff do not see it (403 on its id)', async () => {
    const opened = await askForPerson('citizen-1', 'paiporta');
    expect(opened.reply.text).toContain('Le paso con el personal del Ayuntamiento de Paiporta; le responderán por aquí.');
    const [h] = await queue(paiporta);
    expect(h).toMatchObject({ org: 'paiporta', status: 'waiting', lang: 'es', channel: 'web' });
    expect(h.messages.slice(0, h.transcript).filter((m) => m.from === 'citizen').map((m) => m.text)).toEqual(['Hola, necesito un certificado de empadronamiento', 'Quiero hablar con una persona']);
    expect(h.messages.some((m) => m.from === 'bot')).toBe(true);
    expect(await queue(elche)).toEqual([]);
    for (const [method, url, body] of [['GET', `/${h.id}`], ['POST', `/${h.id}/assign`], ['POST', `/${h.id}/messages`, { text: 'Hola' }], ['POST', `/${h.id}/close`]] as const) {
      const res = await api(method, url, elche, body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
    expect((await queue(paiporta))[0].messages).toHaveLength(h.messages.length);
  });

  it("appends the citizen's next messages without the bot answering them (the first is acknowledged once)", async () => {
    const first = await say(app, 'citizen-1', 'Es para una moratoria de la hipoteca, lo necesito esta semana');
    expect(first.reply.text).toMatch(/^Recibido: su mensaje ya está en manos del personal/);
    const second = await say(app, 'citizen-1', '¿Está abierta la Oficina Única?');
    expect(second.reply.text).toBe('');
    const [h] = await queue(paiporta);
    expect(h.messages.slice(h.transcript).map((m) => m.text)).toEqual(['Es para una moratoria de la hipoteca, lo necesito esta semana', '¿Está abierta la Oficina Única?']);
  });

  it("delivers the editor's reply by the events stream, labelled as from staff, and by the poll when the stream is closed", async () => {
    const [h] = await queue(paiporta);
    expect((await api('POST', `/${h.id}/assign`, paiporta)).json().handoff).toMatchObject({ status: 'assigned', assignee: 'pau' });
    const event = await nextEvent('citizen-1', async () => {
      const res = await api('POST', `/${h.id}/messages`, paiporta, { text: 'Buenos días, ahora le ayudo con el certificado.' });
      expect(res.statusCode).toBe(201);
    });
    expect(event).toEqual({ from: 'staff', text: 'Personal del Ayuntamiento de Paiporta:\nBuenos días, ahora le ayudo con el certificado.' });
    expect(await poll('citizen-1')).toEqual([]); // taken by the stream: it arrives once
    // The server sees the stream close (a notice taken in that instant would be written to a closed socket).
    await expect.poll(() => bot.handoffs.events.listenerCount('web')).toBe(0);
    await api('POST', `/${h.id}/messages`, paiporta, { text: 'Puede pedirlo en la sede electrónica.' });
    expect(await poll('citizen-1')).toEqual(['Personal del Ayuntamiento de Paiporta:\nPuede pedirlo en la sede electrónica.']);
    expect((await queue(paiporta))[0].messages.filter((m) => m.from === 'staff')).toHaveLength(2);
  });

  it('a notice the stream took in the instant it closed goes back to the inbox, for the poll', async () => {
    const [h] = await queue(paiporta);
    const inbox = bot.stores.inbox;
    const take = inbox.takeNotices;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let tookIt!: () => void;
    const took = new Promise<void>((resolve) => (tookIt = resolve));
    // The real inbox, its take held until the stream has closed.
    inbox.takeNotices = async (id) => {
      const notices = await take.call(inbox, id);
      if (notices.length) {
        tookIt();
        await gate;
      }
      return notices;
    };
    try {
      const controller = new AbortController();
      const res = await fetch(`${base}/api/chat/${sessionOf('citizen-1')}/events`, { signal: controller.signal });
      await res.body!.getReader().read(); // the stream is open
      expect((await api('POST', `/${h.id}/messages`, paiporta, { text: 'Le llamo en cinco minutos.' })).statusCode).toBe(201);
      await took;
      controller.abort();
      await expect.poll(() => bot.handoffs.events.listenerCount('web')).toBe(0);
    } finally {
      release();
      inbox.takeNotices = take;
    }
    await expect.poll(() => poll('citizen-1')).toEqual(['Personal del Ayuntamiento de Paiporta:\nLe llamo en cinco minutos.']);
  });

  it('refuses a blank reply (400), an unknown id (404), and a reply to a closed one (409)', async () => {
    const [h] = await queue(paiporta);
    expect((await api('POST', `/${h.id}/messages`, paiporta, { text: '   ' })).statusCode).toBe(400);
    expect((await api('POST', `/${h.id}/messages`, paiporta, { text: 'x', extra: 1 })).statusCode).toBe(400);
    expect((await api('GET', '/no-such-id', paiporta)).statusCode).toBe(404);
    expect((await api('GET', '?status=open', paiporta)).statusCode).toBe(400);
  });

  it('closing tells the citizen, and the bot answers the next message again', async () => {
    const [h] = await queue(paiporta);
    const res = await api('POST', `/${h.id}/close`, paiporta);
    expect(res.json().handoff).toMatchObject({ status: 'closed' });
    expect(await poll('citizen-1')).toEqual(['El personal ha cerrado la conversación. Vuelve a atenderle el asistente: pregúnteme lo que necesite.']);
    expect(await queue(paiporta)).toEqual([]);
    expect((await queue(paiporta, 'closed')).map((c) => c.id)).toEqual([h.id]);
    expect((await api('POST', `/${h.id}/messages`, paiporta, { text: 'Otra cosa' })).statusCode).toBe(409);
    const next = await say(app, 'citizen-1', '¿Está abierta la Oficina Única de Paiporta?');
    expect(next.nlu.intent).toBe('office_status');
    expect(next.reply.text).toMatch(/Paiporta/);
  });

  it('"volver al asistente" and /bot end the hand-over from the citizen\'s side', async () => {
    for (const [name, words] of [['citizen-2', 'Volver al asistente'], ['citizen-3', '/bot']]) {
      await askForPerson(name, 'paiporta');
      expect(await queue(paiporta)).toHaveLength(1);
      const back = await say(app, name, words);
      expect(back.reply.text).toBe('De acuerdo, vuelve a atenderle el asistente. ¿En qué puedo ayudarle?');
      expect(await queue(paiporta)).toEqual([]);
    }
  });

  it('"borra mis datos" during a hand-over still erases the conversation, and ends the hand-over; no transcript of it is kept', async () => {
    await askForPerson('citizen-7', 'paiporta');
    expect(await queue(paiporta)).toHaveLength(1);
    const address = { channel: 'web' as const, id: webId(bot, 'citizen-7')! };
    const erased = await say(app, 'citizen-7', 'Borra mis datos, por favor');
    expect(erased.nlu.intent).toBe('forget_data');
    expect(erased.reply.text).toMatch(/^Hecho: he borrado esta conversación/);
    expect(await queue(paiporta)).toEqual([]);
    const kept = await bot.stores.handoffs.list(['waiting', 'assigned', 'closed']);
    expect(kept.filter((h) => h.address.id === address.id)).toEqual([]);
  });

  it('outside the hours: the contacts and the hours, no conversation opened', async () => {
    const res = await askForPerson('citizen-4', 'elche');
    expect(res.reply.text).toContain('Desde este chat no puedo pasarle con una persona.');
    expect(res.reply.text).toContain('El personal atiende por este chat en este horario:');
    expect(res.reply.text).toMatch(/de 09:00 a 14:00\.$/);
    expect(await queue(elche)).toEqual([]);
    const h = await bot.stores.handoffs.openFor({ channel: 'web', id: webId(bot, 'citizen-4')! });
    expect(h).toBeUndefined();
  });

  it('nobody answers within HANDOFF_WAIT_MINUTES: the citizen is told once, with the contacts; it stays in the queue and a later reply still arrives', async () => {
    await askForPerson('citizen-5', 'paiporta');
    expect(await bot.handoffs.remindWaiting(Date.now())).toBe(0);
    expect(await bot.handoffs.remindWaiting(Date.now() + 10 * 60_000 + 1)).toBe(1);
    const [notice] = await poll('citizen-5');
    expect(notice).toMatch(/^Ahora mismo no hay nadie del personal libre para atenderle\. Su conversación sigue en la cola/);
    // Paiporta's knowledge base has no number: phone help and the electronic office, as the contacts answer says.
    expect(notice).toMatch(/sede electrónica/);
    expect(await bot.handoffs.remindWaiting(Date.now() + 60 * 60_000)).toBe(0);
    const [h] = await queue(paiporta);
    expect(h.status).toBe('waiting');
    await api('POST', `/${h.id}/messages`, paiporta, { text: 'Perdone la espera.' });
    expect(await poll('citizen-5')).toEqual(['Personal del Ayuntamiento de Paiporta:\nPerdone la espera.']);
    await api('POST', `/${h.id}/close`, paiporta);
  });

  it('two misunderstandings in a row offer a person; a yes opens the hand-over', async () => {
    await postChat(app, { sessionId: 'citizen-6', text: 'Hola', org: 'paiporta', lang: 'es' });
    const once = await say(app, 'citizen-6', '¿Qué tiempo hará mañana en la playa?');
    expect(once.nlu.intent).toBe('out_of_scope');
    expect(once.reply.text).not.toContain('¿Quiere que le pase con el personal');
    const twice = await say(app, 'citizen-6', '¿Me cuentas un chiste de gatos?');
    expect(twice.nlu.intent).toBe('out_of_scope');
    expect(twice.reply.text).toContain('¿Quiere que le pase con el personal del Ayuntamiento de Paiporta?');
    const yes = await say(app, 'citizen-6', twice.reply.quickReplies.at(-1)!.text);
    expect(yes.reply.text).toContain('Le paso con el personal del Ayuntamiento de Paiporta');
    expect(await queue(paiporta)).toHaveLength(1);
  });

  it('the events stream refuses a session id the server did not issue', async () => {
    const res = await fetch(`${base}/api/chat/not-a-session/events`);
    expect(res.status).toBe(403);
  });
});
