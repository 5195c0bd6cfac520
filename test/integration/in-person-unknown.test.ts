import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import type { Lang } from '../../src/knowledge/schema.js';
import { postChat, startApp } from '../support/helpers.js';

/**
 * ATS Insubria's offices work by phone; whether they see people the facts do not say. Asked where
 * or when to go, the bot never calls them open, nor closed: it says it does not know, then where to ask.
 */
const WORDINGS: Record<Lang, string[]> = {
  es: ['¿dónde están las oficinas de la ATS?', '¿a qué hora abre la ATS?'],
  ca: ["on estan les oficines de l'ATS?", "a quina hora obri l'ATS?"],
  it: ["dove sono gli uffici dell'ATS?", "a che ora apre l'ATS?"],
  sv: ['var ligger ATS kontor?', 'när öppnar ATS?'],
  en: ['where are the ATS offices?', 'what time does the ATS open?'],
};

let bot: ChatCore;
let app: FastifyInstance;
beforeAll(async () => {
  ({ bot, app } = await startApp());
});
afterAll(() => app.close());

let n = 0;
describe.each(Object.keys(WORDINGS) as Lang[])('%s: where or when to go to ATS Insubria', (lang) => {
  it('is neither "open" nor "closed", and names where to ask', async () => {
    const t = bot.texts.t(lang);
    const names = { org_of: '@', offices: '@' };
    const claims = [t('board.open_now', names), t('board.none_open', names), t('board.all_open', names)].map((s) => s.split('@').sort((a, b) => b.length - a.length)[0]);
    for (const text of WORDINGS[lang]) {
      const reply = (await postChat(app, { sessionId: `in-person-unknown-${++n}`, text, org: 'ats-insubria' })).json().reply.text as string;
      for (const claim of claims) expect(reply, text).not.toContain(claim);
      expect(reply, text).toContain('urp@ats-insubria.it');
    }
  });
});
