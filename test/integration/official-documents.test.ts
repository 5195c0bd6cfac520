import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Lang } from '../../src/knowledge/schema.js';
import { postChat, startApp } from '../support/helpers.js';

/**
 * Handing documents to an organisation whose procedure for it the bot does not know: it says so,
 * and offers the channel for official documents, the PEC, where the organisation has one (ATS
 * Insubria); never a PEC where there is none (Elche).
 */
const WORDINGS: Record<Lang, string[]> = {
  es: ['¿dónde mando un escrito formal a la ATS?', 'tengo que presentar unos papeles en la ATS Insubria, cómo lo hago'],
  ca: ["on envie un escrit oficial a l'ATS?", "com presente una sol·licitud a l'ATS Insubria?"],
  it: ["dove mando una lettera formale all'ATS?", "come presento una domanda all'ATS Insubria?"],
  sv: ['vart skickar jag ett formellt brev till ATS?', 'hur lämnar jag in en ansökan till ATS Insubria?'],
  en: ['where do I send a formal letter to the ATS?', 'how do I submit an application to ATS Insubria?'],
};
const PEC = 'protocollo@pec.ats-insubria.it';

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await startApp());
});
afterAll(() => app.close());

let n = 0;
describe.each(Object.keys(WORDINGS) as Lang[])('%s: documents for an organisation', (lang) => {
  it("offers the ATS's PEC, and no PEC for Elche", async () => {
    for (const text of WORDINGS[lang]) {
      const res = await postChat(app, { sessionId: `documents-${++n}`, text, org: 'ats-insubria' });
      expect(res.statusCode).toBe(200);
      expect(res.json().reply.text, text).toContain(PEC);
    }
    const elche = await postChat(app, { sessionId: `documents-${++n}`, text: WORDINGS[lang][1].replace(/ATS Insubria|ATS/, 'Elx'), org: 'elche' });
    expect(elche.json().reply.text).not.toMatch(/pec/i);
  });
});
