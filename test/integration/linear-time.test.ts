import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import { testConfig } from '../support/helpers.js';

/**
 * No message may cost much more than a normal one: every pattern that reads citizen text runs
 * in linear time, and texts are capped at 2,000 characters. Timings are relative to normal
 * messages measured in the same run (the machine is shared), each the best of a few tries so
 * that a garbage collection or another process does not decide the result.
 */
const NORMAL = [
  '¿Está abierta la OMAC de Torrellano?',
  'Is OMAC Torrellano open?',
  'È aperto l’ufficio di Varese?',
  'Är kontoret i Torrellano öppet?',
  'Està oberta l’OMAC de Torrellano?',
  'my phone is 600 123 456, can you call me?',
];
/** How many times a normal message's time a pathological one may take. */
const TIMES_NORMAL = 25;
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;

let bot: ChatCore;
let app: FastifyInstance;
let session = 0;

beforeAll(async () => {
  bot = await assemble(testConfig());
  app = buildApp({ bot });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await bot?.close();
});

async function best(tries: number, run: () => Promise<unknown>): Promise<number> {
  let ms = Infinity;
  for (let i = 0; i < tries; i++) {
    const start = performance.now();
    await run();
    ms = Math.min(ms, performance.now() - start);
  }
  return ms;
}

/** The median, over the normal messages, of each one's best time. */
async function normalMs(run: (text: string) => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let round = 0; round < 3; round++) for (const text of NORMAL) times.push(await best(3, () => run(text)));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const turn = (text: string) => bot.chat({ sessionId: `linear-${session++}`, text, channel: 'web' });
const post = async (text: string) => {
  const res = await app.inject({ method: 'POST', url: '/api/chat', payload: { sessionId: `linear-${session++}`, text } });
  expect(res.statusCode).toBe(200);
};

describe('time per message', () => {
  it('answers 2,000 CJK characters through POST /api/chat about as fast as a normal message', async () => {
    for (const text of NORMAL) await post(text); // warm
    const normal = await normalMs(post);
    for (const text of ['漢'.repeat(2_000), '个人资料'.repeat(500), 'ひらがなカタカナ'.repeat(250)]) {
      const ms = await best(3, () => post(text));
      expect(ms, `${ms.toFixed(2)} ms against ${normal.toFixed(2)} ms`).toBeLessThan(TIMES_NORMAL * normal);
    }
  });

  /** Runs of letters of one script: one letter repeated, or any of the script's. */
  const scripts: [number, number][] = [
    [0x61, 0x7a], [0x3b1, 0x3c9], [0x430, 0x44f], [0x5d0, 0x5ea], [0x628, 0x64a], [0x915, 0x939], [0xe01, 0xe2e], [0x4e00, 0x9fff], [0xac00, 0xd7a3],
  ];
  const letterRun = fc
    .tuple(fc.constantFrom(...scripts), fc.integer({ min: 500, max: 2_000 }), fc.boolean())
    .chain(([[from, to], length, same]) =>
      same
        ? fc.integer({ min: from, max: to }).map((c) => String.fromCodePoint(c).repeat(length))
        : fc.string({ unit: fc.integer({ min: from, max: to }).map((c) => String.fromCodePoint(c)), minLength: length, maxLength: length }),
    );
  /** Separators repeated, alone or between digits and letters: what number and e-mail patterns backtrack on. */
  const separators = fc
    .tuple(fc.constantFrom(' ', '.', '-', '/', '@', '+', ' - ', '\u00a0', '\u2009', '\u200b', '\u3000', '.-'), fc.constantFrom('', '1', 'a', '12', 'ab', '٦', '１', 'calle', 'st'))
    .map(([sep, unit]) => (unit + sep).repeat(Math.floor(2_000 / (unit.length + sep.length))));
  /** One letter and 1,999 combining marks (of several combining classes: normalisation reorders them). */
  const marks = fc
    .string({ unit: fc.integer({ min: 0x300, max: 0x36f }).map((c) => String.fromCodePoint(c)), minLength: 1_999, maxLength: 1_999 })
    .map((m) => `a${m}`);
  const digits = fc.constantFrom('1', '٦', '१', '１').map((d) => d.repeat(2_000));
  const pathological = fc.oneof(letterRun, separators, marks, digits);

  it('takes a bounded time on pathological messages of 2,000 characters, relative to a normal one as long', async () => {
    // Ordinary text of the same length: linear time is proportional to length.
    const normal = await normalMs((text) => turn(`${text} `.repeat(Math.ceil(2_000 / (text.length + 1))).slice(0, 2_000)));
    await fc.assert(
      fc.asyncProperty(pathological, async (text) => {
        const ms = await best(3, () => turn(text));
        expect(ms, `${ms.toFixed(2)} ms against ${normal.toFixed(2)} ms for a normal message`).toBeLessThan(TIMES_NORMAL * normal);
      }),
      { numRuns: 150, seed },
    );
  }, 120_000);
});
