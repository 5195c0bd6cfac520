import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import type { Lang } from '../../src/knowledge/schema.js';
import { kept, postChat, startApp, webId } from '../support/helpers.js';

/**
 * "Never mind", said after the bot has answered and while a notice is set, lets the matter drop: a
 * short goodbye, and the conversation and the notice stay (it is no erasure, no unsubscription and
 * no question about either). "Forget what I said, I meant Torrellano" corrects the question: the
 * answer is about Torrellano, again with nothing erased or offered to erase.
 */
const WORDINGS: Record<Lang, { subscribe: string; drop: string; ask: string; correct: string }> = {
  es: { subscribe: 'avísame cuando reabra la OMAC de El Altet', drop: 'nada nada, ya me busco la vida', ask: '¿está abierta la OMAC de El Altet?', correct: 'uy no, olvida lo que te he preguntado, era la de Torrellano' },
  ca: { subscribe: "avisa'm quan torne a obrir l'OMAC de l'Altet", drop: 'res, deixa-ho córrer', ask: "està oberta l'OMAC de l'Altet?", correct: "ai, no, oblida el que t'he preguntat: volia dir la de Torrellano" },
  it: { subscribe: "mi avvisi quando riapre l'OMAC di El Altet?", drop: 'ah no, lascia stare, non fa niente', ask: "l'OMAC di El Altet è aperta?", correct: 'no scusa, dimentica quello che ti ho chiesto, intendevo quella di Torrellano' },
  sv: { subscribe: 'säg till när OMAC El Altet öppnar igen', drop: 'äh, skit samma, jag fixar det', ask: 'har OMAC El Altet öppet?', correct: 'nej förresten, glöm det jag frågade, jag menade den i Torrellano' },
  en: { subscribe: 'tell me when the El Altet office reopens', drop: 'ah leave it, not to worry', ask: 'is the El Altet office open?', correct: 'oh sorry, forget what I asked, I meant the Torrellano one' },
};

let bot: ChatCore;
let app: FastifyInstance;
beforeAll(async () => {
  ({ bot, app } = await startApp());
});
afterAll(() => app.close());

describe.each(Object.keys(WORDINGS) as Lang[])('%s: letting a matter drop, and correcting a question', (lang) => {
  const w = WORDINGS[lang];

  it('a "never mind" gets a short goodbye and keeps the conversation and the notice', async () => {
    const sessionId = `letting-go-${lang}`;
    await postChat(app, { sessionId, text: w.subscribe, org: 'elche' });
    const address = { channel: 'web' as const, id: webId(bot, sessionId)! };
    expect(await bot.subscriptions.offices(address)).toEqual(['elche-el-altet']);
    const res = await postChat(app, { sessionId, text: w.drop, org: 'elche' });
    expect(res.statusCode).toBe(200);
    expect(res.json().reply.text, w.drop).toBe(bot.texts.t(lang)('dismissed'));
    expect(await kept(bot, sessionId)).toBe(true);
    expect(await bot.subscriptions.offices(address)).toEqual(['elche-el-altet']);
  });

  it('a correction is answered about what it corrects to, with no erasure asked', async () => {
    const sessionId = `correction-${lang}`;
    await postChat(app, { sessionId, text: w.ask, org: 'elche' });
    const reply = (await postChat(app, { sessionId, text: w.correct, org: 'elche' })).json().reply.text as string;
    expect(reply, w.correct).toMatch(/torrellano/i);
    expect(reply).not.toContain(bot.texts.t(lang)('forget.confirm'));
    expect(await kept(bot, sessionId)).toBe(true);
  });
});
