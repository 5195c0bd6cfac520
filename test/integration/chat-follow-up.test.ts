import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import type { Lang } from '../../src/knowledge/schema.js';
import { kept, postChat, startApp } from '../support/helpers.js';

/**
 * After "do you keep what I write?", a bare "how long?" still asks about the chat: how long it is
 * kept (the session's time to live), never a goodbye, and nothing is deleted.
 */
const WORDINGS: Record<Lang, [string, string]> = {
  es: ['¿os quedáis con lo que escribo aquí?', '¿y durante cuánto tiempo?'],
  ca: ['vos quedeu el que escric ací?', 'i quant de temps?'],
  it: ['conservate quello che scrivo qui?', 'e per quanto tempo?'],
  sv: ['sparar ni det jag skriver här?', 'och hur länge då?'],
  en: ['do you store what I type in here?', 'and for how long?'],
};

let bot: ChatCore;
let app: FastifyInstance;
beforeAll(async () => {
  ({ bot, app } = await startApp());
});
afterAll(() => app.close());

describe.each(Object.keys(WORDINGS) as Lang[])('%s: how long the chat is kept, asked after it', (lang) => {
  it('says how long, and deletes nothing', async () => {
    const sessionId = `chat-follow-up-${lang}`;
    const [first, then] = WORDINGS[lang];
    await postChat(app, { sessionId, text: first, org: 'elche', lang });
    const reply = (await postChat(app, { sessionId, text: then, org: 'elche', lang })).json().reply.text as string;
    expect(reply, then).toContain(bot.texts.t(lang)('about_chat.kept', { count: bot.config.SESSION_TTL_MINUTES }));
    expect(await kept(bot, sessionId)).toBe(true);
  });
});
