import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startApp, say } from '../support/helpers.js';

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await startApp());
});
afterAll(() => app.close());

let n = 0;
const session = () => `dialogue-${++n}`;

describe('multi-turn conversations through /api/chat', () => {
  it('follows up from context: "and the phone?" after asking about an office', async () => {
    const s = session();
    const first = await say(app, s, 'la sede di Varese è aperta?');
    expect(first.nlu).toMatchObject({ intent: 'office_status', entities: { office: 'ats-insubria-varese' } });
    const second = await say(app, s, 'e il numero di telefono?');
    expect(second.nlu).toMatchObject({ intent: 'contact_phone', entities: { office: 'ats-insubria-varese' } });
    expect(second.reply.text).toContain('0332/277.111');
    expect(second.lang).toBe('it');
  });

  it('asks which council or agency when it needs one, and takes a bare office name as the answer', async () => {
    const s = session();
    const ask = await say(app, s, '¿Cuál es el horario de la oficina?');
    expect(ask.nlu.intent).toBe('office_hours');
    expect(ask.nlu.entities.office).toBeUndefined();
    expect(ask.reply.quickReplies.map((q) => q.label)).toContain('Ayuntamiento de Elche');
    const answer = await say(app, s, 'Torellano');
    expect(answer.nlu).toMatchObject({ intent: 'office_hours', entities: { office: 'elche-torrellano' } });
    expect(answer.reply.text).toContain('Torrellano');
    expect(answer.lang).toBe('es');
  });

  it('a quick-reply label sent back as text answers the question', async () => {
    const s = session();
    const ask = await say(app, s, 'where is the office?');
    const choice = ask.reply.quickReplies.find((q) => q.label.includes('Elche'))!;
    const answer = await say(app, s, choice.text);
    expect(answer.nlu).toMatchObject({ intent: 'office_location', entities: { organisation: 'elche' } });
    expect(answer.reply.text).toContain('Altabix'); // where one can go now: the open offices
  });

  it('switches office and keeps the topic', async () => {
    const s = session();
    const first = await say(app, s, 'està oberta la OMAC del Altet?');
    expect(first.nlu).toMatchObject({ intent: 'office_status', entities: { office: 'elche-el-altet' } });
    expect(first.lang).toBe('ca');
    const second = await say(app, s, 'i la de Torrellano?');
    expect(second.nlu).toMatchObject({ intent: 'office_status', entities: { office: 'elche-torrellano' } });
    expect(second.lang).toBe('ca');
  });

  it('switches language on request and keeps it for short messages', async () => {
    const s = session();
    const first = await say(app, s, 'hola, ¿qué oficinas están abiertas?');
    expect(first.lang).toBe('es');
    const change = await say(app, s, 'can we speak english please');
    expect(change.nlu).toMatchObject({ intent: 'change_language', entities: { language: 'en' } });
    expect(change.lang).toBe('en');
    const next = await say(app, s, '¿y el teléfono de ATS Insubria?');
    expect(next.lang).toBe('en');
    expect(next.reply.text).toContain('031/370.111');
  });

  it('asks for the language with quick replies when none is named', async () => {
    const s = session();
    const ask = await say(app, s, 'quiero cambiar el idioma');
    expect(ask.nlu.intent).toBe('change_language');
    const svenska = ask.reply.quickReplies.find((q) => q.label.toLowerCase() === 'svenska')!;
    const done = await say(app, s, svenska.text);
    expect(done.lang).toBe('sv');
    expect(done.nlu.intent).toBe('change_language');
  });

  it('uses the language the widget picked', async () => {
    const body = await say(app, session(), '¿Está abierta la OMAC de Torrellano?', 'sv');
    expect(body.lang).toBe('sv');
    expect(body.nlu.lang).toBe('es');
  });

  it('lists every office of the conversation\'s organisation for "which offices are open", and only those', async () => {
    const s = session();
    await say(app, s, 'is altabix open?');
    const board = await say(app, s, 'which offices are open now?');
    expect(board.nlu.intent).toBe('office_status');
    for (const name of ['Centro', 'El Altet']) expect(board.reply.text).toContain(name);
    expect(board.reply.text).not.toContain('ATS Insubria');
  });

  it('records and removes a subscription', async () => {
    const s = session();
    const sub = await say(app, s, 'avisadme cuando abra la OMAC de El Altet');
    expect(sub.nlu).toMatchObject({ intent: 'subscribe_updates', entities: { office: 'elche-el-altet' } });
    const again = await say(app, s, 'avísame cuando reabra El Altet');
    expect(again.reply.text).not.toBe(sub.reply.text);
    const unsub = await say(app, s, 'ya no quiero recibir avisos');
    expect(unsub.nlu.intent).toBe('unsubscribe_updates');
  });

  it('says it does not have what the knowledge base lacks, and offers a channel it has', async () => {
    const body = await say(app, session(), 'what is the address of the Paiporta office?');
    expect(body.nlu.intent).toBe('office_location');
    expect(body.reply.text).toMatch(/don't have/);
    expect(body.reply.text).toMatch(/online portal \(sede electrónica\)/);
  });

  it('answers out-of-scope questions with what it can do', async () => {
    const body = await say(app, session(), "what's the weather like tomorrow in madrid?");
    expect(body.nlu.intent).toBe('out_of_scope');
    expect(body.reply.quickReplies.length).toBeGreaterThan(0);
  });
});

describe('language choices', () => {
  it('name each language as its speakers do (Valencià, not Català)', async () => {
    const ask = await say(app, 'names-1', 'I want to change the language');
    expect(ask.reply.quickReplies.map((q) => q.label)).toEqual(['Valencià', 'English', 'Español', 'Italiano', 'Svenska']);
    const done = await say(app, 'names-1', 'Valencià');
    expect(done.lang).toBe('ca');
  });
});

describe('status board', () => {
  it("lists one organisation's offices when the question names it", async () => {
    const body = await say(app, 'board-elche', '¿Qué oficinas de Elche están abiertas?');
    expect(body.nlu).toMatchObject({ intent: 'office_status', entities: { organisation: 'elche' } });
    expect(body.reply.text).toContain('Altabix');
    expect(body.reply.text).not.toContain('ATS Insubria');
  });
});
