import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import type { Lang } from '../../src/knowledge/schema.js';
import { postChat, startApp } from '../support/helpers.js';

/**
 * "And your website, can I look there?" asks about a service (the website, the email), not about a
 * contact someone sent: the website's state, never "tell me the number or link you received".
 */
const WORDINGS: Record<Lang, string> = {
  es: 'y vuestra página web, ¿puedo mirarlo ahí?',
  ca: 'i la vostra pàgina web, puc consultar-ho allí?',
  it: 'e il vostro sito web, posso guardare lì?',
  sv: 'och er webbplats då, kan jag kolla där?',
  en: 'and your website, can I look it up there?',
};

let bot: ChatCore;
let app: FastifyInstance;
beforeAll(async () => {
  ({ bot, app } = await startApp());
});
afterAll(() => app.close());

describe.each(Object.keys(WORDINGS) as Lang[])('%s: a question about the website', (lang) => {
  it('gets the website state, not a contact check', async () => {
    const reply = (await postChat(app, { sessionId: `site-${lang}`, text: WORDINGS[lang], org: 'ats-insubria', lang })).json().reply.text as string;
    expect(reply, WORDINGS[lang]).not.toContain(bot.texts.t(lang)('verify.ask'));
    const website = bot.knowledge.service('ats-insubria', 'website');
    expect(website?.status).toBe('unavailable');
    expect(reply).toMatch(/albo pretorio/i);
  });
});
