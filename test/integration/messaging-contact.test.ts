import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import type { Lang } from '../../src/knowledge/schema.js';
import { postChat, startApp } from '../support/helpers.js';

/**
 * WhatsApp or text messages asked about: no organisation lists one, so the bot says it has none,
 * then the ways to reach the staff it does have (ATS Insubria's switchboards and email), never a
 * number for an organisation without one (Elche).
 */
const WORDINGS: Record<Lang, string> = {
  es: '¿se les puede escribir por whatsapp?',
  ca: 'tenen whatsapp o algo aixi?',
  it: 'avete un numero whatsapp?',
  sv: 'kan man skicka sms till dem?',
  en: 'can I just whatsapp them?',
};

let bot: ChatCore;
let app: FastifyInstance;
beforeAll(async () => {
  ({ bot, app } = await startApp());
});
afterAll(() => app.close());

let n = 0;
describe.each(Object.keys(WORDINGS) as Lang[])('%s: a messaging app asked about', (lang) => {
  it('has none, says so, and gives the contacts there are', async () => {
    const t = bot.texts.t(lang);
    const ats = (await postChat(app, { sessionId: `messaging-${++n}`, text: WORDINGS[lang], org: 'ats-insubria' })).json().reply.text as string;
    // The first line is the bot's "I have no WhatsApp or SMS contact for …".
    const none = t('contact.no_messaging', { target: '@' }).split('@')[0];
    expect(ats.startsWith(none), `${WORDINGS[lang]}: ${ats}`).toBe(true);
    expect(ats).toContain('urp@ats-insubria.it');
    const elche = (await postChat(app, { sessionId: `messaging-${++n}`, text: WORDINGS[lang], org: 'elche' })).json().reply.text as string;
    expect(elche).not.toMatch(/\d{3}[ ./]?\d{3}/);
  });
});
