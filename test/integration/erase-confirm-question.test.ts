import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import type { Lang } from '../../src/knowledge/schema.js';
import { postChat, startApp, webId } from '../support/helpers.js';

/**
 * Asked whether to erase the conversation, a citizen who says "ok" and asks something else ("ok,
 * and when does El Altet open?") has not said yes: nothing is erased, and the question is answered.
 */
const WORDINGS: Record<Lang, [wish: string, other: string]> = {
  es: ['¿puedes borrar lo que te he escrito?', 'vale, ¿y cuándo abre El Altet?'],
  ca: ["pots esborrar el que t'he escrit?", "d'acord, i quan obri l'Altet?"],
  it: ['puoi cancellare quello che ti ho scritto?', 'ok, e quando riapre El Altet?'],
  sv: ['kan du radera det jag har skrivit?', 'okej, och när öppnar El Altet?'],
  en: ['could you delete this conversation?', 'ok, and when does El Altet open?'],
};

let bot: ChatCore;
let app: FastifyInstance;
beforeAll(async () => {
  ({ bot, app } = await startApp());
});
afterAll(() => app.close());

describe.each(Object.keys(WORDINGS) as Lang[])('%s: an "ok" with a question of its own after the erasure question', (lang) => {
  it('erases nothing and answers the question', async () => {
    const sessionId = `erase-confirm-question-${lang}`;
    const [wish, other] = WORDINGS[lang];
    const asked = await postChat(app, { sessionId, text: wish, org: 'elche' });
    expect(asked.json().reply.text).toContain(bot.texts.t(lang)('forget.confirm'));
    const res = await postChat(app, { sessionId, text: other, org: 'elche' });
    expect(res.statusCode).toBe(200);
    expect(await bot.stores.sessions.get(`web:${webId(bot, sessionId)}`)).toBeDefined();
    expect(res.json().reply.text, other).not.toContain(bot.texts.t(lang)('forget.done'));
    expect(res.json().reply.text.toLowerCase(), other).toContain('altet');
  });
});
