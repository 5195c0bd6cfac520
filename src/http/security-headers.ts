import fastifyHelmet from '@fastify/helmet';
import fp from 'fastify-plugin';

// The demo page and the API need nothing beyond our own origin: no inline code, no framing.
export const CSP: Record<string, string[]> = {
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

/** Helmet's headers with our CSP on every response, errors and 404s included. */
export const securityHeaders = fp(async (app) => {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CSP },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
  });
}, { name: 'security-headers' });

/** Route options for files other sites' pages load (no-cors): widget.js and widget.css. */
export const embeddable = { helmet: { crossOriginResourcePolicy: { policy: 'cross-origin' as const } } };
