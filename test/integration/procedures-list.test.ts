import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { localized } from '../../src/knowledge/knowledge.js';
import { named } from '../../src/conversation/context.js';
import type { Lang } from '../../src/knowledge/schema.js';
import { postChat, startApp } from '../support/helpers.js';

/**
 * "Which procedures can I do at the OMAC?": the organisation's procedures by the way each is done,
 * from the knowledge base (each certificate, the Bus Lliure card, the notes that say what else the
 * offices take), then where; at Paiporta, what is online and what only by appointment.
 */
const WORDINGS: Record<Lang, { elche: string; paiporta: string }> = {
  es: { elche: '¿qué trámites se pueden hacer en las OMAC?', paiporta: '¿qué gestiones puedo hacer ahora con el ayuntamiento?' },
  ca: { elche: 'quins tràmits es poden fer a les OMAC?', paiporta: "quines gestions puc fer ara amb l'ajuntament?" },
  it: { elche: "quali pratiche posso sbrigare all'OMAC?", paiporta: 'che pratiche posso fare adesso con il comune?' },
  sv: { elche: 'vilka ärenden kan jag göra på OMAC-kontoren?', paiporta: 'vilka ärenden kan jag sköta med kommunen nu?' },
  en: { elche: 'which procedures can I do at the OMAC offices?', paiporta: 'what procedures can I do with the council right now?' },
};

let bot: ChatCore;
let app: FastifyInstance;
beforeAll(async () => {
  ({ bot, app } = await startApp());
});
afterAll(() => app.close());

describe.each(Object.keys(WORDINGS) as Lang[])('%s: which procedures there are', (lang) => {
  const ask = async (org: 'elche' | 'paiporta') => (await postChat(app, { sessionId: `procedures-${org}-${lang}`, text: WORDINGS[lang][org], org })).json().reply.text as string;
  const t = () => bot.texts.t(lang);

  it('at Elche: each procedure done in person, what else the offices take, and the open ones', async () => {
    const reply = await ask('elche');
    expect(reply, WORDINGS[lang].elche).toContain(t()('help.in_person'));
    for (const certificate of ['padron', 'address_change']) expect(reply.toLowerCase()).toContain(t()(`certificate.the.${certificate}`).toLowerCase());
    const busLliure = bot.knowledge.procedures('elche', 'transport_card')[0];
    expect(reply.toLowerCase()).toContain(localized(busLliure.name, lang).toLowerCase());
    expect(reply).toContain(localized(busLliure.notes, lang));
    expect(reply).toContain('Torrellano');
  });

  it('at Paiporta: what is online and what only by appointment', async () => {
    const reply = await ask('paiporta');
    const office = named('office', bot.knowledge.office('paiporta-oficina-unica'), lang).office;
    expect(reply, WORDINGS[lang].paiporta).toContain(t()('help.by_appointment', { offices: office }));
    expect(reply.toLowerCase()).toContain(t()('certificate.the.life').toLowerCase());
    expect(reply.toLowerCase()).toContain(t()('certificate.the.padron').toLowerCase());
  });
});
