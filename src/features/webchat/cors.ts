import fastifyCors from '@fastify/cors';
import fp from 'fastify-plugin';

/**
 * CORS for the scope that registers it (the widget's API routes): the sites in WIDGET_ORIGINS may
 * call them from their pages. Without any, no other site may, and a preflight gets the 404 of a
 * route without CORS. Its preflight route (OPTIONS <prefix>*) takes the scope's prefix, so the
 * scope must have one: the other routes get no CORS at all.
 */
export const widgetCors = fp<{ origins: string[] }>(async (app, { origins }) => {
  await app.register(
    fastifyCors,
    origins.length > 0 ? { origin: origins, methods: ['GET', 'POST', 'DELETE'], allowedHeaders: ['Content-Type'], maxAge: 600 } : { origin: false },
  );
}, { name: 'widget-cors' });
