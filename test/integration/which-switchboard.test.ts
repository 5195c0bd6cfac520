import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Lang } from '../../src/knowledge/schema.js';
import { ask, startApp } from '../support/helpers.js';

/** "Do I call Varese or Como?": the switchboards, never "I can't help with that" or the offices' status. */
const WORDINGS: Record<Lang, string> = {
  es: '¿llamo a la sede de Como o a la de Varese?',
  ca: 'he de telefonar a la seu de Varese o a la de Como?',
  it: 'chiamo quello di varese o quello di como?',
  sv: 'ska jag ringa Como eller Varese?',
  en: 'should I ring Como or Varese?',
};

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await startApp());
});
afterAll(() => app.close());

describe.each(Object.keys(WORDINGS) as Lang[])('%s: which switchboard to call', (lang) => {
  it('gets the switchboards', async () => {
    const reply = (await ask(app, `which-switchboard-${lang}`, WORDINGS[lang], { org: 'ats-insubria' })).reply.text;
    expect(reply, WORDINGS[lang]).toMatch(/0332\/277\.111|031\/370\.111|0332 277111|031 370111/);
  });
});
