import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import type { Lang } from '../../src/knowledge/schema.js';
import { postChat, startApp } from '../support/helpers.js';

/**
 * "Nobody picks up", "my emails go unanswered": a short apology first, then the ways the knowledge
 * base has to reach the organisation's staff (ATS Insubria's switchboards and email; Elche's open
 * OMACs), never "I can't put you through" or a scam check. A failing channel is read from the
 * `fails` words of intents/entities/acts.yaml; wordings without one ("y ni caso") are not caught.
 */
const WORDINGS: Record<Lang, { ats: string; elche: string }> = {
  es: { ats: 'no hay manera, llamo a la ATS y suena y suena y nadie lo coge', elche: 'he escrito dos veces al ayuntamiento de Elche y nadie contesta' },
  ca: { ats: "truque i truque a l'ATS i no em contesta ningú", elche: "he escrit dues vegades a l'ajuntament d'Elx i ningú contesta" },
  it: { ats: "chiamo l'ATS da stamattina e non risponde mai nessuno", elche: 'ho scritto due volte al comune di Elche e niente, nessuna risposta' },
  sv: { ats: 'jag ringer och ringer till ATS men ingen svarar', elche: 'har mejlat Elche kommun två gånger men ingen svarar' },
  en: { ats: 'been ringing the ATS all morning and nobody ever answers', elche: "I've written to Elche council twice and heard nothing back" },
};
/** The website named: its own answer (the bot has no state for Elche's), then the other ways. */
const WEBSITE: Record<Lang, string> = {
  es: 'la página web del ayuntamiento no carga',
  ca: "la web de l'ajuntament no carrega",
  it: 'il sito del comune non si apre',
  sv: 'kommunens webbplats laddar inte',
  en: "the council website won't load",
};
const REACH = { ats: /urp@ats-insubria\.it/, elche: /OMAC/ };

let bot: ChatCore;
let app: FastifyInstance;
beforeAll(async () => {
  ({ bot, app } = await startApp());
});
afterAll(() => app.close());

describe.each(Object.keys(WORDINGS) as Lang[])('%s: a way of reaching the staff that fails', (lang) => {
  it.each(['ats', 'elche'] as const)('%s: an apology, then the ways to reach them', async (org) => {
    const text = WORDINGS[lang][org];
    const res = await postChat(app, { sessionId: `trouble-${org}-${lang}`, text, org: org === 'ats' ? 'ats-insubria' : 'elche', lang });
    const reply = res.json().reply.text as string;
    const t = bot.texts.t(lang);
    expect(reply.startsWith(t('complaint.sorry')), `${text} -> ${reply}`).toBe(true);
    expect(reply).toMatch(REACH[org]);
    expect(reply).not.toContain(t('human.cannot'));
    expect(res.json().intent ?? '').not.toBe('verify_contact');
  });

  it("the council's website that fails: what is known of it, then the ways to reach the staff", async () => {
    const text = WEBSITE[lang];
    const reply = (await postChat(app, { sessionId: `trouble-website-${lang}`, text, org: 'elche', lang })).json().reply.text as string;
    expect(reply.startsWith(bot.texts.t(lang)('complaint.sorry')), `${text} -> ${reply}`).toBe(true);
    expect(reply).toMatch(/OMAC/);
  });
});
