import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import type { Lang } from '../../src/knowledge/schema.js';
import { postChat, startApp, webId } from '../support/helpers.js';

/**
 * A wish for notices said with a negation after an answer word ("nej, jag vill inte ha några
 * notiser") is a wish to stop them: the subscription goes, and the reply says which office's.
 */
const WORDINGS: Record<Lang, { subscribe: string; stop: string }> = {
  es: { subscribe: 'avísame cuando reabra la OMAC de El Altet', stop: 'pensándolo mejor, no me mandes avisos' },
  ca: { subscribe: "avisa'm quan torne a obrir l'OMAC de l'Altet", stop: 'mira, no, no vull que m\'avises' },
  it: { subscribe: "mi avvisi quando riapre l'OMAC di El Altet?", stop: 'anzi no, non voglio essere avvisato' },
  sv: { subscribe: 'säg till när OMAC El Altet öppnar igen', stop: 'nej förresten, jag vill inte få några aviseringar' },
  en: { subscribe: 'tell me when the El Altet office reopens', stop: "no actually, I don't want to be notified" },
};

let bot: ChatCore;
let app: FastifyInstance;
beforeAll(async () => {
  ({ bot, app } = await startApp());
});
afterAll(() => app.close());

describe.each(Object.keys(WORDINGS) as Lang[])('%s: a negated wish for notices', (lang) => {
  it('stops them and says which', async () => {
    const sessionId = `negated-wish-${lang}`;
    const address = () => ({ channel: 'web' as const, id: webId(bot, sessionId)! });
    const first = await postChat(app, { sessionId, text: WORDINGS[lang].subscribe, org: 'elche' });
    expect(first.statusCode).toBe(200);
    expect(await bot.subscriptions.offices(address())).toEqual(['elche-el-altet']);
    const res = await postChat(app, { sessionId, text: WORDINGS[lang].stop, org: 'elche' });
    expect(res.statusCode).toBe(200);
    expect(await bot.subscriptions.offices(address())).toEqual([]);
    expect(res.json().reply.text.toLowerCase()).toContain('altet');
  });
});
