import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Lang } from '../../src/knowledge/schema.js';
import { postChat, startApp } from '../support/helpers.js';

/**
 * Whether an organisation's email works again, in words the topic lexicon does not hold ("la
 * mail", "mejlen"): the email service's state first (ATS Insubria's was restored), then the
 * address; the address alone when that is what is asked.
 */
const WORKS: Record<Lang, string> = {
  es: '¿ya va bien el email de la ATS?',
  ca: "el mail de l'ATS ja funciona?",
  it: "funziona di nuovo la mail dell'ATS?",
  sv: 'funkar mejlen hos ATS nu?',
  en: 'is the ATS email back up?',
};
const WHICH: Record<Lang, string> = {
  es: '¿cuál es el email de la ATS?',
  ca: "quin és el mail de l'ATS?",
  it: "qual è la mail dell'ATS?",
  sv: 'vilken mejladress har ATS?',
  en: "what's the ATS email?",
};

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await startApp());
});
afterAll(() => app.close());

let n = 0;
const reply = async (text: string) => (await postChat(app, { sessionId: `email-works-${++n}`, text, org: 'ats-insubria' })).json().reply.text as string;

describe.each(Object.keys(WORKS) as Lang[])('%s: whether the email works', (lang) => {
  it('says it was restored, first, then the address; asked which, the address first', async () => {
    const works = await reply(WORKS[lang]);
    expect(works, WORKS[lang]).toMatch(/^(sí|sì|yes|ja)[.,!]/i);
    expect(works).toContain('urp@ats-insubria.it');
    const which = await reply(WHICH[lang]);
    expect(which, WHICH[lang]).not.toMatch(/^(sí|sì|yes|ja)[.,!]/i);
    expect(which.split('\n')[0]).toContain('urp@ats-insubria.it');
  });
});
