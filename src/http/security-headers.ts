import helmet, { type HelmetOptions } from 'helmet';
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

/**
 * Permissions-Policy (helmet sets none): no page of ours, nor a frame in it, may ask for the camera,
 * the microphone, the location, payments or the like: the widget and the console need none.
 */
export const PERMISSIONS_POLICY = [
  'accelerometer', 'autoplay', 'camera', 'display-capture', 'encrypted-media', 'geolocation', 'gyroscope', 'hid', 'magnetometer',
  'microphone', 'midi', 'payment', 'publickey-credentials-get', 'screen-wake-lock', 'serial', 'usb', 'xr-spatial-tracking',
].map((feature) => `${feature}=()`).join(', ');

const OPTIONS: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: CSP },
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Helmet options this route changes (embeddable below). */
    securityHeaders?: HelmetOptions;
    /** Helmet's middleware for this route, built once when the route is added. */
    applySecurityHeaders?: ReturnType<typeof helmet>;
  }
}

/**
 * Helmet's headers with our CSP, and the Permissions-Policy, on every response, errors and 404s included. Helmet's middleware
 * is built once (and once per route that changes an option), then applied to each response: the
 * @fastify/helmet plugin builds it again on every request (~12 µs of a chat request, measured
 * under `npm run bench -- load`).
 */
export const securityHeaders = fp(async (app) => {
  const everywhere = helmet(OPTIONS);
  app.addHook('onRoute', (route) => {
    const own = route.config?.securityHeaders;
    if (own) route.config = { ...route.config, applySecurityHeaders: helmet({ ...OPTIONS, ...own } as HelmetOptions) };
  });
  // Helmet only sets headers, synchronously; it throws rather than passing an error on.
  app.addHook('onRequest', (request, reply, done) => {
    reply.raw.setHeader('permissions-policy', PERMISSIONS_POLICY);
    (request.routeOptions.config.applySecurityHeaders ?? everywhere)(request.raw, reply.raw, () => done());
  });
}, { name: 'security-headers' });

/** Route options for files other sites' pages load (no-cors): widget.js and widget.css. */
export const embeddable = { config: { securityHeaders: { crossOriginResourcePolicy: { policy: 'cross-origin' as const } } } };
