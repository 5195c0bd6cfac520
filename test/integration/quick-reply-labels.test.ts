import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import type { Lang } from '../../src/knowledge/schema.js';
import { startApp } from '../support/helpers.js';

/** A tapped quick reply asks what it offers, in every language, whatever its words read like to the classifier. */
const STEPS = { open_offices: 'office_status', phones: 'contact_phone', certificate: 'certificate_request', help: 'help' };

let bot: ChatCore;
let app: FastifyInstance;
beforeAll(async () => {
  ({ bot, app } = await startApp());
});
afterAll(() => app.close());

describe.each(['es', 'ca', 'it', 'sv', 'en'] as Lang[])('%s: each quick reply', (lang) => {
  it('asks the intent it offers', async () => {
    for (const [step, intent] of Object.entries(STEPS)) {
      const label = bot.texts.t(lang)(`quick.${step}`);
      const result = await bot.chat({ channel: 'web', sessionId: `quick-${lang}-${step}`, text: label, org: 'paiporta' });
      expect(result.nlu.intent, label).toBe(intent);
    }
  });
});
