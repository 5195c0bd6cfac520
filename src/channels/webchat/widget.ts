import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyCors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import type { ChatCore } from '../../core/chat-core.js';
import { ROOT } from '../../config.js';
import type { Lang } from '../../knowledge/schema.js';
import { stillStarting } from '../../http/starting.js';
import { helmetHeaders } from '../../http/security-headers.js';

export interface WidgetOptions {
  getBot: () => ChatCore | undefined;
  /** Sites allowed to embed the widget (CORS on the routes the widget calls); same-origin always works. */
  origins?: string[];
  /** Folder of widget.js, widget.css and the demo page (index.html, demo.css). */
  webDir?: string;
}

/** The only routes another site's page may call: the ones widget.js uses. */
const WIDGET_API = [/^\/api\/chat$/, /^\/api\/chat\/[^/]+\/notifications$/, /^\/api\/widget\/i18n\/[^/]+$/];
const isWidgetApi = (request: FastifyRequest) => WIDGET_API.some((re) => re.test(request.url.split('?')[0]));

// The demo page and the API need nothing beyond our own origin: no inline code, no framing.
const CSP = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

const HELMET = {
  contentSecurityPolicy: { useDefaults: false, directives: CSP },
  xFrameOptions: { action: 'deny' as const },
  referrerPolicy: { policy: 'strict-origin-when-cross-origin' as const },
};
const PAGE_HEADERS = helmetHeaders(HELMET);
/** widget.js and widget.css are loaded by other sites' pages (no-cors), so they must not be same-origin only. */
const EMBEDDABLE_HEADERS = helmetHeaders({ ...HELMET, crossOriginResourcePolicy: { policy: 'cross-origin' } });
/** An onRequest hook that sets these headers. */
const setting = (headers: Record<string, string>) => (_request: FastifyRequest, reply: FastifyReply, done: () => void) => {
  reply.headers(headers);
  done();
};
// Route hooks run after the root one: these routes' headers replace the page ones.
const embeddable = { onRequest: setting(EMBEDDABLE_HEADERS) };

const labelsResponse = {
  type: 'object',
  properties: {
    lang: { type: 'string' },
    langs: { type: 'array', items: { type: 'string' } },
    /** Each language by its own name, from its locale ("Valencià"). */
    names: { type: 'object', additionalProperties: { type: 'string' } },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
  },
} as const;

/**
 * The embeddable web chat: serves web/ (demo page, widget.js, widget.css) and the widget's labels,
 * and sets the security headers (helmet, for every route) and CORS (only the widget's API routes,
 * only for the configured origins).
 */
export function registerWidget(app: FastifyInstance, options: WidgetOptions): void {
  const origins = options.origins ?? [];
  const webDir = options.webDir ?? path.join(ROOT, 'web');

  // Without WIDGET_ORIGINS no other site may call us: @fastify/cors would refuse every request,
  // adding only "Vary: Origin" (kept here) at ~10 µs a request, so it is not registered; a
  // preflight then finds no OPTIONS route and gets the same 404.
  // Every response, errors and 404s included (a root hook runs for them too).
  app.addHook('onRequest', setting(origins.length ? PAGE_HEADERS : { ...PAGE_HEADERS, vary: 'Origin' }));

  if (origins.length) {
    // The two answers are built once: the delegator runs on every request.
    const allowed = { origin: origins, methods: ['GET', 'POST'], allowedHeaders: ['Content-Type'], maxAge: 600 };
    const refused = { origin: false };
    app.register(fastifyCors, {
      delegator: (request: FastifyRequest, callback: (error: Error | null, options: object) => void) =>
        callback(null, isWidgetApi(request) ? allowed : refused),
    });
  }

  app.register(async (scope) => {
    await scope.register(fastifyStatic, { root: webDir, serve: false });
    scope.get('/', (_request, reply) => reply.sendFile('index.html'));
    scope.get('/demo.css', (_request, reply) => reply.sendFile('demo.css'));
    scope.get('/widget.js', embeddable, (_request, reply) => reply.sendFile('widget.js'));
    scope.get('/widget.css', embeddable, (_request, reply) => reply.sendFile('widget.css'));
  });

  // The widget's own labels (launcher, placeholder, offline notice…) in one language.
  app.get<{ Params: { lang: string } }>(
    '/api/widget/i18n/:lang',
    {
      schema: {
        params: { type: 'object', properties: { lang: { type: 'string', minLength: 1, maxLength: 16 } }, required: ['lang'] },
        response: { 200: labelsResponse },
      },
    },
    async (request, reply) => {
      const bot = options.getBot();
      if (!bot) return stillStarting(reply);
      const lang = request.params.lang as Lang;
      if (!bot.texts.langs.includes(lang)) {
        return reply.code(404).send({ error: 'Not Found', statusCode: 404, message: `No language ${request.params.lang}` });
      }
      reply.header('Cache-Control', 'public, max-age=300');
      const names = Object.fromEntries(bot.texts.langs.map((l) => [l, bot.texts.t(l)('language.self')]));
      return { lang, langs: bot.texts.langs, names, labels: bot.texts.resources(lang).widget ?? {} };
    },
  );
}
