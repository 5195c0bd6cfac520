import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ROOT } from '../../config.js';
import { sendError } from '../../http/errors.js';
import { requireReady } from '../../http/require-ready.js';
import { chars } from '../../http/schemas.js';
import { embeddable } from '../../http/security-headers.js';
import { errorResponses, fileSchema } from '../../http/openapi.js';
import { widgetCors } from './cors.js';
import type { GetWebChatPort } from './port.js';

/** The demo page and the widget's files from webDir (index.html, demo.css, widget.js, widget.css). */
export const widgetFiles: FastifyPluginAsync<{ webDir?: string }> = async (app, { webDir = path.join(ROOT, 'web') }) => {
  await app.register(fastifyStatic, { root: webDir, serve: false });
  app.get('/', { schema: fileSchema('The demo page', 'text/html') }, (_request, reply) => reply.sendFile('index.html'));
  app.get('/demo.css', { schema: fileSchema("The demo page's styles", 'text/css') }, (_request, reply) => reply.sendFile('demo.css'));
  // Other sites' pages load these (no-cors), so they must not be same-origin only.
  app.get('/widget.js', { ...embeddable, schema: fileSchema('The widget', 'text/javascript') }, (_request, reply) => reply.sendFile('widget.js'));
  app.get('/widget.css', { ...embeddable, schema: fileSchema("The widget's styles", 'text/css') }, (_request, reply) => reply.sendFile('widget.css'));
};

const labels = z.object({
  lang: z.string(),
  langs: z.array(z.string()),
  /** Each language by its own name, from its locale ("Valencià"). */
  names: z.record(z.string(), z.string()),
  labels: z.record(z.string(), z.string()),
});

/** Under /api/widget: GET /i18n/:lang, the widget's own labels (launcher, placeholder, offline notice…) in one language. */
export const widgetLabels: FastifyPluginAsyncZod<{ getPort: GetWebChatPort; origins: string[] }> = async (app, { getPort, origins }) => {
  await app.register(widgetCors, { origins });
  await app.register(requireReady, { getPort, decorator: 'webChat' });
  const schema = { tags: ['chat'], summary: "The widget's labels in one language", params: z.object({ lang: chars(1, 16) }), response: { 200: labels.describe('The labels and the languages'), ...errorResponses(400, 404, 503) } };
  app.get('/i18n/:lang', { schema }, async (request, reply) => {
    const { texts } = request.webChat;
    const { lang } = request.params;
    if (!texts.langs.includes(lang)) return sendError(reply, 404, `No language ${request.params.lang}`);
    reply.header('Cache-Control', 'public, max-age=300');
    const names = Object.fromEntries(texts.langs.map((l) => [l, texts.t(l)('language.self')]));
    // A locale's widget keys are plain strings (labels, no nesting).
    return { lang, langs: texts.langs, names, labels: (texts.resources(lang).widget ?? {}) as Record<string, string> };
  });
};
