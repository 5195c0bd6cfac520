import fs from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ROOT } from '../../config.js';
import type { Lang } from '../../knowledge/schema.js';
import { sendError } from '../../http/errors.js';
import { errorResponses } from '../../http/openapi.js';
import { requireCore, type GetCore } from '../../http/require-core.js';
import { chars } from '../../http/schemas.js';
import { bundleInMemory, fromSource } from './bundle.js';
import type { Config } from '../../config.js';
import type { Knowledge } from '../../knowledge/knowledge.js';
import type { Texts } from '../../shared/i18n.js';

declare module '../../http/require-core.js' {
  /** What these routes read of the bot. */
  interface CorePort {
    readonly config: Config;
    readonly knowledge: Knowledge;
    readonly texts: Texts;
  }
}

/** The console's pages: each is the same document, the browser code draws the page its path names. */
export const PAGES = ['login', 'board', 'handoffs', 'announcements', 'insights', 'audit', 'review', 'knowledge', 'scams', 'accounts'] as const;

export interface StaffConsoleOptions {
  getCore: GetCore;
  /** Where index.html and console.css are; web/staff by default. */
  webDir?: string;
  /** Where `npm run build` wrote console.js; dist/staff by default. */
  bundleDir?: string;
  /** Serve console.js from bundleDir (npm start), or bundle it in memory (run from source: npm run dev, the tests). */
  prebuilt?: boolean;
}

/** A file's documentation: its type, and the errors it may answer with ({ error, statusCode, message }). */
const file = (summary: string, type: string, errors: number[] = []) => ({
  tags: ['console'],
  summary,
  response: { 200: { description: summary, content: { [type]: { schema: z.string() } } }, ...(errors.length ? errorResponses(...errors) : {}) },
});

const texts = z
  .object({
    lang: z.string(),
    langs: z.array(z.string()),
    names: z.record(z.string(), z.string()).describe('Each language by its own name ("Valencià")'),
    texts: z.record(z.string(), z.unknown()).describe('locales/<lang>/console.json'),
    organisations: z
      .array(
        z.object({
          id: z.string(),
          name: z.string(),
          of: z.string().describe('Its name after "of" ("del Ayuntamiento de Paiporta"), else the name'),
          lang: z.string().optional(),
          timeZone: z.string().optional().describe("Its place's time zone: the insights' days are its days"),
        }),
      )
      .describe("The organisations' names in that language"),
    offices: z.record(z.string(), z.string()).describe("The offices' names in that language, by id"),
  })
  .describe("The console's texts in one language");

/** GET /staff/texts/:lang: locales/<lang>/console.json, the languages' names, the organisations' and offices' names. */
const consoleTexts: FastifyPluginAsyncZod<{ getCore: GetCore }> = async (scope, { getCore }) => {
  await scope.register(requireCore, { getCore });
  const cache = new Map<string, Record<string, unknown>>();
  const read = (dir: string, lang: Lang) => {
    const key = `${dir}\0${lang}`;
    if (!cache.has(key)) cache.set(key, JSON.parse(fs.readFileSync(path.join(dir, lang, 'console.json'), 'utf8')));
    return cache.get(key)!;
  };
  const schema = { tags: ['console'], summary: "The console's texts in one language", params: z.object({ lang: chars(1, 16) }), response: { 200: texts, ...errorResponses(404, 503) } };
  scope.get('/staff/texts/:lang', { schema }, async (request, reply) => {
    const { texts: bot, knowledge, config } = request.core;
    const { lang } = request.params;
    if (!bot.langs.includes(lang)) return sendError(reply, 404, `No language ${request.params.lang}`);
    reply.header('cache-control', 'public, max-age=300');
    const names = Object.fromEntries(bot.langs.map((l) => [l, bot.t(l)('language.self')]));
    const organisations = knowledge.organisations.map((o) => ({
      id: o.id,
      name: o.name[lang] ?? o.name.en ?? o.id,
      of: o.of[lang] ?? o.name[lang] ?? o.name.en ?? o.id,
      // Its main language: a note or announcement written only in it reaches everyone, marked as such.
      ...(o.language ? { lang: o.language } : {}),
      ...(o.timeZone ? { timeZone: o.timeZone } : {}),
    }));
    const offices = Object.fromEntries(knowledge.base.offices.map((o) => [o.id, o.name[lang] ?? o.name.en ?? o.id]));
    return { lang, langs: bot.langs, names, texts: read(config.LOCALES_DIR, lang), organisations, offices };
  });
};

/**
 * The staff console at /staff: its page, styles and bundled code, and its texts per language.
 * Everything it shows beyond that comes from /api/staff and /api/admin, which check who asks.
 */
export const staffConsole: FastifyPluginAsync<StaffConsoleOptions> = async (app, options) => {
  const webDir = options.webDir ?? path.join(ROOT, 'web', 'staff');
  const bundleDir = options.bundleDir ?? path.join(ROOT, 'dist', 'staff');
  await app.register(fastifyStatic, { root: webDir, serve: false });

  const page = 'A page of the staff console (the same document for each; its code draws the page)';
  app.get('/staff', { schema: file(page, 'text/html') }, (_request, reply) => reply.sendFile('index.html'));
  const pageParams = z.object({ page: z.string().max(40) });
  app.get('/staff/:page', { schema: { ...file(page, 'text/html', [400, 404]), params: pageParams } }, (request, reply) => {
    const { page: name } = request.params as z.infer<typeof pageParams>;
    if (!(PAGES as readonly string[]).includes(name)) return sendError(reply, 404, `No console page ${name}`);
    return reply.sendFile('index.html');
  });
  app.get('/staff/console.css', { schema: file("The console's styles", 'text/css') }, (_request, reply) => reply.sendFile('console.css'));

  // Built once, at the first request (from source), or read from dist/ (npm start).
  const prebuilt = options.prebuilt ?? !fromSource;
  let bundle: Promise<string> | undefined;
  const built = () => (bundle ??= prebuilt ? fs.promises.readFile(path.join(bundleDir, 'console.js'), 'utf8') : bundleInMemory());
  const code = file("The console's code: preact, htm, i18next and Chart.js bundled in", 'text/javascript', [503]);
  app.get('/staff/console.js', { schema: code }, async (request, reply) => {
    try {
      const js = await built();
      return reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(js);
    } catch (err) {
      bundle = undefined; // tried again at the next request
      request.log.error({ err }, 'the staff console code is missing');
      return sendError(reply, 503, "The staff console's code is not built: run npm run build.");
    }
  });

  // The texts need the core (its languages and organisations): a scope of their own, 503 while it starts.
  await app.register(consoleTexts, { getCore: options.getCore });
};
