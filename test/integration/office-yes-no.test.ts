import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Lang } from '../../src/knowledge/schema.js';
import { postChat, startApp } from '../support/helpers.js';

/**
 * A yes/no question about an office that asks no more than whether one can go there (the
 * classifier cannot place it: "can I go to the Altabix one?") is answered with whether it is open:
 * its first sentence names the office and never says no of the open one (Altabix) nor yes of the
 * closed one (El Altet); never "I can't help with that".
 */
const WORDINGS: Record<Lang, { open: string[]; closed: string[] }> = {
  es: { open: ['¿puedo ir a la de Altabix mañana?', 'oye y si me acerco a altabix me atienden?'], closed: ['¿me atienden en El Altet?', 'y si voy a la del altet hoy?'] },
  ca: { open: ["puc anar a la d'Altabix demà?", 'i si em passe per altabix em faran cas?'], closed: ["m'atendran a l'Altet?", "i si vaig a la de l'Altet hui?"] },
  it: { open: ['posso andare a quello di Altabix domani?', 'se passo ad altabix mi ricevono?'], closed: ['mi ricevono a El Altet?', "e se vado a quello dell'altet oggi?"] },
  sv: { open: ['kan jag gå till Altabix i morgon?', 'om jag går förbi altabix tar de emot mig då?'], closed: ['tar de emot mig i El Altet?', 'och om jag åker till el altet idag?'] },
  en: { open: ['can I go to the Altabix one tomorrow?', 'if I pop into altabix will they see me?'], closed: ['will they see me at El Altet?', 'and if I head to the el altet one today?'] },
};
const YES = /^(sí|si|sì|yes|ja)[.,!]/i;
const NO = /^(no|nej)[.,!]/i;

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await startApp());
});
afterAll(() => app.close());

let n = 0;
describe.each(Object.keys(WORDINGS) as Lang[])('%s: whether one can go to an office', (lang) => {
  it('is answered with whether the office is open, first', async () => {
    for (const [state, wrong] of [['open', NO], ['closed', YES]] as const) {
      for (const text of WORDINGS[lang][state]) {
        const res = await postChat(app, { sessionId: `office-yes-no-${++n}`, text, org: 'elche' });
        expect(res.statusCode).toBe(200);
        const reply: string = res.json().reply.text;
        const first = reply.split(/(?<=[.!?])\s|\n/)[0];
        expect(first, text).not.toMatch(wrong);
        expect(first.toLowerCase(), text).toContain(state === 'open' ? 'altabix' : 'altet');
      }
    }
  });
});
