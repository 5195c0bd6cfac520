import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Lang } from '../../src/knowledge/schema.js';
import { postChat, startApp } from '../support/helpers.js';

/** "Can I just turn up?" at Paiporta, whose office sees people only by appointment: no, first; never "yes … by appointment only". */
const WORDINGS: Record<Lang, string> = {
  es: '¿puedo ir sin cita a la Oficina Única?',
  ca: "puc anar sense cita a l'Oficina Única?",
  it: "posso andare senza appuntamento all'Oficina Única?",
  sv: 'kan jag bara dyka upp på kontoret?',
  en: 'can I just turn up at the town hall?',
};

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await startApp());
});
afterAll(() => app.close());

describe.each(Object.keys(WORDINGS) as Lang[])('%s: turning up without an appointment', (lang) => {
  it('is answered no, first', async () => {
    const reply = (await postChat(app, { sessionId: `walk-in-${lang}`, text: WORDINGS[lang], org: 'paiporta' })).json().reply.text as string;
    expect(reply, WORDINGS[lang]).toMatch(/^(no|nej)[.,]/i);
  });
});
