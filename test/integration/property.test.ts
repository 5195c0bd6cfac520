import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { ROOT } from '../../src/config.js';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import type { Lang } from '../../src/knowledge/schema.js';
import { localeLangs } from '../../src/shared/languages.js';
import { testConfig } from '../support/helpers.js';
import { WebSessions, webSessions } from '../../src/features/webchat/sessions.js';

/**
 * Property tests: 10,000 generated messages (5,000 through the dialogue core, 5,000 through
 * POST /api/chat) of every awkward kind: any Unicode, control characters, right-to-left text,
 * emoji sequences, 2,000-character strings, JSON-looking text, SQL / HTML / Markdown / template
 * injections, mixed with real questions so that conversations carry state across turns.
 * Whatever comes in: no exception, no 5xx, a non-empty reply in a language the bot speaks.
 * The dialogue core runs the NLU on this thread; /api/chat, as `npm start` does, on the NLU thread.
 * FC_SEED=<n> replays a run.
 */
const RUNS_PER_PATH = 5_000;
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;

const chr = (c: number) => String.fromCharCode(c);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** C0/C1 controls, zero-width and bidi controls, BOM, noncharacters, lone surrogates. */
const controls = fc.constantFrom(
  ...[...range(0x00, 0x1f), ...range(0x7f, 0x9f), ...range(0x200b, 0x200f), ...range(0x202a, 0x202e), ...range(0x2066, 0x2069)].map(chr),
  '\u2028', '\u2029', '\ufeff', '\ufffd', '\ufffe', '\uffff', '\ud800', '\udbff', '\udc00', '\udfff', '\u00ad', '\u034f',
);
/** Hebrew, Arabic (with its digits and marks), Syriac, Thaana. */
const rtlChar = fc.integer({ min: 0x0590, max: 0x07bf }).map(chr);
const rtl = fc.string({ unit: fc.oneof(rtlChar, rtlChar, fc.constantFrom(' ', '؟', '\u200f', '\u202b', '\u202e')), minLength: 1, maxLength: 120 });
const emoji = fc.constantFrom(
  '😀', '👍🏽', '👨‍👩‍👧‍👦', '🇪🇸', '🇸🇪', '🇮🇹', '🏳️‍🌈', '❤️', '🤖', '🧑🏿‍💻', '#️⃣', '🙏', '🏛️', '☎️', '📧', '🔥🔥🔥', '\u{1F600}\u{FE0F}', '\u{E0067}', '🫠', '🧌',
);
const injections = fc.constantFrom(
  "' OR '1'='1", "'; DROP TABLE sessions; --", '1; DELETE FROM keyv WHERE 1=1', "\" OR \"\"=\"", 'UNION SELECT * FROM users --', "Robert'); DROP TABLE Students;--",
  '<script>alert(1)</script>', '<img src=x onerror=alert(document.cookie)>', '<svg/onload=alert(1)>', '"><iframe src=javascript:alert(1)>', '</textarea><b>x</b>', '&lt;b&gt;&amp;&#x3C;',
  '[click me](javascript:alert(1))', '**bold** _italic_ `code` ~~strike~~', '```js\nprocess.exit(1)\n```', '# Heading\n> quote\n- item', '![img](http://x/y.png)', '|a|b|\n|-|-|',
  '{{constructor.constructor("return process")()}}', '${process.exit(1)}', '$t(greeting)', '{{office}}', '%s%s%s%n', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty',
  '{"__proto__":{"polluted":true}}', '{"sessionId":"x","text":"y"}', '[1,2,{"a":null}]', 'null', 'undefined', 'NaN', 'true', '0', '-1', '1e309', '../../etc/passwd', 'C:\\Windows\\System32',
  '\\u0000', '\\n\\r', 'https://example.org/?q=<x>&a=1', 'mailto:x@example.org', '+34 966 65 80 00', 'ES91 2100 0418 4502 0005 1332', '12345678Z', 'Y1234567X',
);
const phrases = fc.constantFrom(
  '¿Está abierta la OMAC de Torrellano?', 'Is OMAC Torrellano open?', 'È aperto l’ufficio di Varese?', 'Är kontoret i Torrellano öppet?', 'Està oberta l’OMAC de Torrellano?',
  'avísame cuando abra El Altet', 'notify me when OMAC El Altet reopens', 'no quiero más avisos', 'unsubscribe', 'English', 'Svenska', 'Italiano', 'Valencià', 'Español',
  'hola', 'hej', 'ciao', 'bon dia', 'hello', 'adiós', 'bye', 'help', 'ayuda', 'what is the phone number?', '¿cuál es el correo?', 'certificado de empadronamiento', 'certificato di vita',
  'Torrellano', 'El Altet', 'la de Paiporta', 'Varese', 'cita previa', 'quiero hablar con una persona', 'change language', 'cambiar idioma', '¿qué ha pasado?', 'tarjeta de transporte',
  'horario', 'dirección', 'y la de El Altet?', 'i la de Torrellano?', 'vale', 'ok', 'sí', 'no', '?', '!!!', '...',
);
const ascii = fc.string({ unit: 'grapheme-ascii', maxLength: 200 });
const anyUnicode = fc.string({ unit: 'binary', maxLength: 300 });
const graphemes = fc.string({ unit: 'grapheme', maxLength: 200 });
const controlSoup = fc.string({ unit: fc.oneof(controls, fc.constantFrom(' ', 'a', 'ñ', 'ü')), minLength: 1, maxLength: 100 });
const emojiSoup = fc.array(fc.oneof(emoji, fc.constant(' ')), { minLength: 1, maxLength: 60 }).map((a) => a.join(''));
/** Exactly `n` code points (the API's limit counts code points), 1,900..2,000 of them. */
const codePoints = (n: number, unit: 'binary' | 'grapheme-ascii') => fc.string({ unit, minLength: n, maxLength: n });
const long = fc.integer({ min: 1_900, max: 2_000 }).chain((n) => fc.oneof(codePoints(n, 'grapheme-ascii'), codePoints(n, 'binary')));
const repeated = fc.tuple(fc.oneof(phrases, emoji, injections), fc.integer({ min: 1, max: 150 })).map(([s, n]) => s.repeat(n));
const jsonText = fc.oneof(fc.json({ maxDepth: 3 }), fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null'));
const mixed = fc
  .array(fc.oneof(phrases, phrases, injections, emoji, controls, rtl, ascii, graphemes), { minLength: 1, maxLength: 6 })
  .chain((parts) => fc.constantFrom(' ', '', '\n', '\u200f', '\t').map((sep) => parts.join(sep)));

/** Any message at all, including blank and empty ones (the core answers them; the API refuses them). */
const anyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: phrases },
  { weight: 4, arbitrary: mixed },
  { weight: 2, arbitrary: anyUnicode },
  { weight: 2, arbitrary: graphemes },
  { weight: 1, arbitrary: ascii },
  { weight: 2, arbitrary: controlSoup },
  { weight: 2, arbitrary: rtl },
  { weight: 2, arbitrary: emojiSoup },
  { weight: 3, arbitrary: injections },
  { weight: 2, arbitrary: jsonText },
  { weight: 1, arbitrary: repeated },
  { weight: 1, arbitrary: long },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\n', '\t \r\n', '\u00a0', '\u3000', '\ufeff', '\u2003\u2009') },
);

/** A few dozen conversations get most turns, so that sessions carry state (pending questions, language, office). */
const pool: string[] = []; // ids the server issued, filled before the runs
const pooledSession = fc.integer({ min: 0, max: 39 }).map((i) => pool[i]);
const sessionId = fc.oneof(
  { weight: 6, arbitrary: pooledSession },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 128 }) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'web:x', '../x', "' OR 1=1", '😀', '\u202eevil', ' ') },
);
const LANGS = localeLangs(path.join(ROOT, 'locales'));
const pickedLang = fc.option(fc.constantFrom(...LANGS), { freq: 6, nil: undefined });

interface ReplyLike {
  lang: unknown;
  reply: { text: unknown; quickReplies: unknown };
  nlu: { intent: unknown; entities?: Record<string, unknown> };
}

/** The reply every input must get: a supported language, a non-empty text, an array of quick replies. */
function checkReply(result: ReplyLike, picked?: Lang): void {
  expect(LANGS).toContain(result.lang);
  // The language picked in the widget holds, unless the message itself asks for another ("Italiano",
  // "explain in Italian which offices are open"): then the reply is in the language it names.
  if (picked && result.nlu.intent !== 'change_language' && result.nlu.entities?.language !== result.lang) expect(result.lang).toBe(picked);
  expect(typeof result.reply.text).toBe('string');
  const text = result.reply.text as string;
  expect(text.trim().length).toBeGreaterThan(0);
  // An unrendered i18n key or a missing value would show as one of these.
  expect(text).not.toMatch(/\{\{|\}\}|\bundefined\b|\[object Object\]|\bNaN\b/);
  expect(Array.isArray(result.reply.quickReplies)).toBe(true);
  for (const q of result.reply.quickReplies as { label: unknown; text: unknown }[]) {
    expect(typeof q.label === 'string' && q.label.length > 0).toBe(true);
    expect(typeof q.text === 'string' && q.text.length > 0).toBe(true);
  }
}

/** What the API's JSON schema accepts (Ajv counts code points and matches `\S` with the u flag). */
const codePointLength = (s: string) => [...s].length;
const acceptedText = (t: unknown) => typeof t === 'string' && codePointLength(t) >= 1 && codePointLength(t) <= 2000 && /\S/u.test(t);
const acceptedSession = (s: unknown) => typeof s === 'string' && codePointLength(s) >= 1 && codePointLength(s) <= 128;

let bot: ChatCore;
let served: ChatCore;
let app: FastifyInstance;
let sessions: WebSessions;

beforeAll(async () => {
  const config = testConfig();
  [bot, served] = await Promise.all([
    assemble(config),
    assemble({ ...config, NLU_THREAD: true }),
  ]);
  app = buildApp({ bot: served });
  await app.ready();
  sessions = webSessions(served.config);
  for (let i = 0; i < 40; i++) pool.push(sessions.issue().token);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await Promise.all([bot?.close(), served?.close()]);
});

describe('property: any message through the dialogue core', () => {
  it(`answers ${RUNS_PER_PATH} generated messages without throwing, in a supported language`, async () => {
    const turns = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(sessionId, anyText, pickedLang, async (id, text, lang) => {
        const result = await bot.chat({ sessionId: id, text, lang, channel: 'web' });
        checkReply(result, lang);
        expect(typeof result.nlu.intent).toBe('string');
        turns.set(id, (turns.get(id) ?? 0) + 1);
      }),
      { numRuns: RUNS_PER_PATH, seed },
    );
    // Multi-turn conversations really happened.
    expect([...turns.values()].filter((n) => n >= 10).length).toBeGreaterThanOrEqual(20);
  }, 120_000);
});

/** A request body: mostly well-formed; otherwise one of the ways a client gets it wrong. */
const goodBody = fc.record({ sessionId, text: anyText, lang: pickedLang }).map(({ lang, ...b }) => (lang ? { ...b, lang } : b));
const badBody = fc.oneof(
  // Over the 2,000 limit (counted in code points), by a little or a lot.
  fc.record({ sessionId: pooledSession, text: fc.integer({ min: 2_001, max: 2_600 }).chain((n) => fc.oneof(codePoints(n, 'grapheme-ascii'), codePoints(n, 'binary'))) }),
  fc.record({ sessionId: pooledSession, text: fc.constantFrom('x'.repeat(2_001), '😀'.repeat(2_001), 'a'.repeat(10_000)) }),
  // Blank.
  fc.record({ sessionId: pooledSession, text: fc.constantFrom('', ' ', '   ', '\n', '\t\r\n', '\u00a0', '\u3000', '\ufeff', '\u2003 \u2009', '\u2028') }),
  // Bad session ids.
  fc.record({ sessionId: fc.oneof(fc.constant(''), fc.string({ unit: 'grapheme-ascii', minLength: 129, maxLength: 300 })), text: phrases }),
  // Wrong types, missing or extra fields, unknown language.
  fc.record({ sessionId: fc.oneof(fc.integer(), fc.constant(null), fc.constant([]), fc.constant({})), text: phrases }),
  fc.record({ sessionId: pooledSession, text: fc.oneof(fc.integer(), fc.constant(null), fc.boolean(), fc.array(fc.string(), { maxLength: 3 }), fc.constant({ $ne: '' })) }),
  fc.record({ sessionId: pooledSession }),
  fc.record({ sessionId: pooledSession, text: phrases, lang: fc.constantFrom('fr', 'ES', 'pt-BR', '', 'en ', 'sv\u0000') }),
  fc.record({ sessionId: pooledSession, text: phrases, extra: fc.jsonValue({ maxDepth: 1 }) }),
);
/** Bodies that are not a JSON object at all. */
const rawBody = fc.oneof(
  fc.constantFrom('', '{', '{"sessionId":"x","text":', 'null', '[]', '"text"', '42', '{"sessionId":"x","text":"hola"}garbage', '\u0000', '{"__proto__":{"x":1},"sessionId":"x","text":"y"}'),
  anyText,
  jsonText,
);

type ApiCase =
  | { kind: 'json'; body: Record<string, unknown>; valid: boolean }
  | { kind: 'raw'; body: string; contentType: string };

const apiCase: fc.Arbitrary<ApiCase> = fc.oneof(
  {
    weight: 14,
    arbitrary: goodBody.map((body): ApiCase => ({ kind: 'json', body, valid: acceptedSession(body.sessionId) && acceptedText(body.text) })),
  },
  // No sessionId: the server issues one.
  { weight: 1, arbitrary: fc.record({ text: anyText }).map((body): ApiCase => ({ kind: 'json', body, valid: acceptedText(body.text) })) },
  { weight: 4, arbitrary: badBody.map((body): ApiCase => ({ kind: 'json', body: body as Record<string, unknown>, valid: false })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(rawBody, fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'text/html'))
      .map(([body, contentType]): ApiCase => ({ kind: 'raw', body, contentType })),
  },
);

describe('property: any request through POST /api/chat', () => {
  it(`answers ${RUNS_PER_PATH} generated requests with a 200 and a proper reply, or a 4xx; never a 5xx`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(apiCase, async (c) => {
        const res =
          c.kind === 'json'
            ? await app.inject({ method: 'POST', url: '/api/chat', payload: c.body })
            : await app.inject({ method: 'POST', url: '/api/chat', payload: c.body, headers: { 'content-type': c.contentType } });
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        expect(res.statusCode).toBeLessThan(500);
        const json = res.json();
        if (res.statusCode !== 200) {
          expect(res.statusCode).toBeGreaterThanOrEqual(400);
          expect(typeof json.message).toBe('string');
          if (c.kind === 'json') expect(c.valid, `refused a valid body: ${res.body}`).toBe(false);
          return;
        }
        if (c.kind === 'json') expect(c.valid, 'accepted a body the schema should refuse').toBe(true);
        checkReply(json, c.kind === 'json' ? (c.body.lang as Lang | undefined) : undefined);
        expect(typeof json.sessionId).toBe('string');
        // The id the server issued continues; anything else gets a new one, which the server signed.
        if (c.kind === 'json' && pool.includes(c.body.sessionId as string)) expect(json.sessionId).toBe(c.body.sessionId);
        else expect(sessions.verify(json.sessionId), json.sessionId).toEqual(expect.any(String));
        if (c.kind === 'json' && !pool.includes(c.body.sessionId as string)) expect(json.sessionId).not.toBe(c.body.sessionId);
        expect(typeof json.nlu?.intent).toBe('string');
      }),
      { numRuns: RUNS_PER_PATH, seed },
    );
    // Both sides of the schema were exercised.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(RUNS_PER_PATH / 2);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(RUNS_PER_PATH / 10);
  }, 120_000);
});
