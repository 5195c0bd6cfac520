import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import type { Lang } from '../../src/knowledge/schema.js';
import { officeNames } from '../support/texts.js';
import { postChat, startApp } from '../support/helpers.js';

/**
 * Questions whose answer is not a yes or a no:
 * - whether an office opens in a month or on a weekday (in the plural) that the bot has no hours
 *   for: it says first that it has no hours, never "yes" (the office talked about, no office named);
 * - "is the email working again or still down?": the state, with no yes or no before it;
 * - "the website is down. Is the family portal still there?": yes, for the portal; the website's
 *   "down" is not what is asked.
 */
const WORDINGS: Record<Lang, { office: string; month: string; weekdays: string; choice: string; context: string; care: string }> = {
  es: { care: '¿el médico de cabecera atiende también en agosto?', office: '¿la OMAC de Altabix está abierta?', month: '¿y en agosto cierran?', weekdays: '¿abren los domingos?', choice: '¿el correo de la ATS funciona ya o sigue sin ir?', context: 'La web de la ATS no carga. ¿El portal de medidas para las familias sigue funcionando?' },
  ca: { care: "el metge de capçalera atén també a l'agost?", office: "l'OMAC d'Altabix està oberta?", month: 'i a l\'agost tanquen?', weekdays: 'obrin els diumenges?', choice: "el correu de l'ATS funciona o encara està caigut?", context: "La web de l'ATS no carrega. El portal de mesures per a les famílies continua funcionant?" },
  it: { care: 'il medico di famiglia riceve anche ad agosto?', office: "l'OMAC di Altabix è aperta?", month: 'e a luglio chiudono?', weekdays: 'aprono le domeniche?', choice: "la mail dell'ATS funziona di nuovo o è ancora ferma?", context: "Il sito dell'ATS non si apre. Il portale delle misure per la famiglia funziona ancora?" },
  sv: { care: 'tar husläkaren emot i juli också?', office: 'har OMAC Altabix öppet?', month: 'och stänger de i juli?', weekdays: 'har de öppet på söndagar?', choice: 'funkar ATS mejl igen eller ligger den fortfarande nere?', context: 'ATS webbplats går inte att nå. Fungerar portalen för familjestöd fortfarande?' },
  en: { care: 'is my family doctor seeing people in August too?', office: 'is the Altabix office open?', month: 'and do they close in August?', weekdays: 'are they open on Sundays?', choice: 'is the ATS email back or still down?', context: "The ATS website won't load. Is the family support portal still working?" },
};
const YES_NO = /^(sí|si|no|ja|nej|yes|sì)\b/i;

let bot: ChatCore;
let app: FastifyInstance;
beforeAll(async () => {
  ({ bot, app } = await startApp());
});
afterAll(() => app.close());

describe.each(Object.keys(WORDINGS) as Lang[])('%s: questions answered with what is known, not yes or no', (lang) => {
  const w = WORDINGS[lang];
  const ask = async (sessionId: string, text: string, org: string) => (await postChat(app, { sessionId, text, org })).json().reply.text as string;

  it.each(['month', 'weekdays'] as const)('opening in a %s the bot has no hours for: no hours, first', async (kind) => {
    const sessionId = `time-${kind}-${lang}`;
    await ask(sessionId, w.office, 'elche');
    const reply = await ask(sessionId, w[kind], 'elche');
    const t = bot.texts.t(lang);
    const noHours = t("hours.unknown_named", officeNames(bot, "elche-altabix", lang)).replace(/\.$/, "");
    expect(reply.startsWith(noHours), `${w[kind]} -> ${reply}`).toBe(true);
  });

  it('whether a health service works in a month: no information, first, then how it works now', async () => {
    const reply = await ask(`care-${lang}`, w.care, 'ats-insubria');
    expect(reply.startsWith(bot.texts.t(lang)('answer.unknown')), `${w.care} -> ${reply}`).toBe(true);
  });

  it('an either/or question about a service gets its state without a yes or no', async () => {
    const reply = await ask(`choice-${lang}`, w.choice, 'ats-insubria');
    expect(reply, w.choice).not.toMatch(YES_NO);
    expect(reply).toContain('urp@ats-insubria.it');
  });

  it('a question after a sentence about something else is answered about its own thing', async () => {
    // The sentence before says the website fails the citizen: an apology may come first.
    const reply = (await ask(`context-${lang}`, w.context, 'ats-insubria')).replace(bot.texts.t(lang)('complaint.sorry'), '').trim();
    expect(reply, w.context).toMatch(/^(sí|ja|yes|sì),? /i);
  });
});
