import Negotiator from 'negotiator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Lang } from '../../knowledge/schema.js';
import { sendError } from '../../http/errors.js';
import { errorResponses } from '../../http/openapi.js';
import { requireCore, type GetCore } from '../../http/require-core.js';
import { chars } from '../../http/schemas.js';
import { statusSnapshot } from './snapshot.js';
import { LIVE_LINKS, type StatusPage } from './status-page.js';
import type { Config } from '../../config.js';
import type { Knowledge } from '../../knowledge/knowledge.js';

declare module '../../http/require-core.js' {
  /** What these routes read of the bot. */
  interface CorePort {
    readonly config: Config;
    readonly knowledge: Knowledge;
    readonly statusPage: StatusPage;
  }
}

const langQuery = z.object({
  lang: chars(1, 16).optional().describe("The page's language (es, ca, it, sv, en); without it, the browser's (Accept-Language), else the default"),
});

/** A text route's documentation: its content type, and the errors it may answer with. */
const textFile = (summary: string, type: string, errors: number[]) => ({
  tags: ['status'],
  summary,
  response: { 200: { description: summary, content: { [type]: { schema: z.string() } } }, ...errorResponses(...errors) },
});

/** The language asked for: `?lang=` (an unknown one is a 400, sent here), else the best of Accept-Language, else the default. */
function pageLang(request: FastifyRequest, reply: FastifyReply, page: StatusPage, fallback: Lang, asked?: string): Lang | undefined {
  if (asked !== undefined) {
    if (page.langs.includes(asked)) return asked;
    return void sendError(reply, 400, `querystring/lang: no language "${asked}" here; the page is written in ${page.langs.join(', ')}.`);
  }
  reply.header('vary', 'accept-language');
  return new Negotiator(request).language(page.langs) ?? fallback;
}

/**
 * The public status page: GET /status (HTML, no script), /status/status.css, /status/:org.atom (the
 * organisation's changes) and /api/status (the same facts as JSON). No login: what citizens are
 * told anyway, without who made each change.
 */
export const statusPageRoutes: FastifyPluginAsyncZod<{ getCore: GetCore }> = async (app, { getCore }) => {
  await app.register(requireCore, { getCore });
  // Always fresh: a reader must never see a closed office as open from a cache.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-cache');
  });

  app.get('/status', { schema: { querystring: langQuery, ...textFile("Each organisation's offices and services: status, since when, expected return, note, last change", 'text/html', [400, 503]) } }, async (request, reply) => {
    const { statusPage, config } = request.core;
    const lang = pageLang(request, reply, statusPage, config.DEFAULT_LANG, request.query.lang);
    if (!lang) return reply;
    const { facts } = await statusPage.read(true);
    return reply.type('text/html; charset=utf-8').header('content-language', lang).send(statusPage.html(facts, lang));
  });

  app.get('/status/status.css', { schema: textFile("The status page's styles", 'text/css', [503]) }, async (request, reply) =>
    reply.type('text/css; charset=utf-8').send(request.core.statusPage.css),
  );

  const feedParams = z.object({ org: z.string().regex(/^[a-z0-9-]{1,100}$/, 'an organisation id') });
  app.get(
    '/status/:org.atom',
    { schema: { params: feedParams, querystring: langQuery, ...textFile("An organisation's status changes as an Atom feed (its language by default)", 'application/atom+xml', [400, 404, 503]) } },
    async (request, reply) => {
      const { statusPage } = request.core;
      const { org } = request.params;
      if (!request.core.knowledge.organisation(org)) return sendError(reply, 404, `No organisation "${org}".`);
      const lang = request.query.lang ?? statusPage.feedLang(org);
      if (!statusPage.langs.includes(lang)) return sendError(reply, 400, `querystring/lang: no language "${lang}" here; the feed is written in ${statusPage.langs.join(', ')}.`);
      const { facts, changes } = await statusPage.read();
      const feed = statusPage.feed(facts, changes, org, lang, { self: LIVE_LINKS.feed(org, lang), page: LIVE_LINKS.page(lang) })!;
      return reply.type('application/atom+xml; charset=utf-8').header('content-language', lang).send(feed);
    },
  );

  const json = { tags: ['status'], summary: 'The status page as JSON: every organisation, its offices and services, in every language', response: { 200: statusSnapshot, ...errorResponses(503) } };
  app.get('/api/status', { schema: json }, async (request) => (await request.core.statusPage.read(true)).facts);
};
