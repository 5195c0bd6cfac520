import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Lang } from '../../src/knowledge/schema.js';
import { postChat, startApp } from '../support/helpers.js';

/**
 * A town near Como ("Cantù") written on ATS Insubria's page is no typo of Elche's OMAC Francesc
 * Cantó: the health question is answered for the ATS, never about Elche. On Elche's page the
 * office is still found as people write it ("francesc canto").
 */
const WORDINGS: Record<Lang, { ats: string; elche: string }> = {
  es: { ats: 'vivo en Cantu y he dado positivo, ¿cómo me activan la cuarentena?', elche: '¿está abierta la omac de francesc canto?' },
  ca: { ats: 'visc a Cantu i he donat positiu, com em activen la quarantena?', elche: "està oberta l'omac de francesc canto?" },
  it: { ats: 'abito a cantu e sono positivo, come mi attivano la quarantena?', elche: "l'omac di francesc canto è aperta?" },
  sv: { ats: 'jag bor i Cantu och har testat positivt, hur får jag karantän?', elche: 'har omac francesc canto öppet?' },
  en: { ats: "I live in Cantu and I've tested positive, how do I get quarantine set up?", elche: 'is the francesc canto omac open?' },
};

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await startApp());
});
afterAll(() => app.close());

describe.each(Object.keys(WORDINGS) as Lang[])('%s: a place name near another organisation\'s office', (lang) => {
  const ask = async (text: string, org: string) => (await postChat(app, { sessionId: `names-${org}-${lang}`, text, org, lang })).json().reply.text as string;

  it('on the ATS page, a town is no typo of an Elche office', async () => {
    const reply = await ask(WORDINGS[lang].ats, 'ats-insubria');
    expect(reply, WORDINGS[lang].ats).not.toMatch(/Elche|Elx/);
    expect(reply).toMatch(/urp@ats-insubria\.it/);
  });

  it('on Elche\'s page, the office is found as written without its accent', async () => {
    const reply = await ask(WORDINGS[lang].elche, 'elche');
    expect(reply, WORDINGS[lang].elche).toMatch(/Francesc Cantó/);
  });
});
