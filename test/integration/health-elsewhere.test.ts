import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import type { Lang } from '../../src/knowledge/schema.js';
import { postChat, startApp } from '../support/helpers.js';

/**
 * A health question on a council's page ("is the health centre open?" on Elche's): the council's
 * health services are unknown, and ATS Insubria's (Italy) are the only ones the bot has; that
 * comes first, never ATS's answer as if it were the council's (nor "OMAC Centro is open").
 */
const WORDINGS: Record<Lang, string> = {
  es: '¿está abierto el centro de salud?',
  ca: 'el centre de salut està obert?',
  it: "l'ambulatorio del medico di base è aperto?",
  sv: 'har vårdcentralen öppet som vanligt?',
  en: 'is the health centre open as normal?',
};

let bot: ChatCore;
let app: FastifyInstance;
beforeAll(async () => {
  ({ bot, app } = await startApp());
});
afterAll(() => app.close());

describe.each(Object.keys(WORDINGS) as Lang[])('%s: a health question on a council\'s page', (lang) => {
  it('says first that the council\'s health services are unknown; on ATS Insubria\'s page it answers', async () => {
    const elsewhere = bot.texts.t(lang)('health.elsewhere', { org_of: '@', agency_of: '@' }).split('@')[0];
    const elche = (await postChat(app, { sessionId: `health-elsewhere-elche-${lang}`, text: WORDINGS[lang], org: 'elche' })).json().reply.text as string;
    expect(elche.startsWith(elsewhere), `${WORDINGS[lang]}: ${elche}`).toBe(true);
    expect(elche).not.toMatch(/Centro|Centre/);
    const ats = (await postChat(app, { sessionId: `health-elsewhere-ats-${lang}`, text: WORDINGS[lang], org: 'ats-insubria' })).json().reply.text as string;
    expect(ats.startsWith(elsewhere)).toBe(false);
    expect(ats).toContain('urp@ats-insubria.it');
  });
});
