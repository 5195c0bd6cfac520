import type { IncomingMessage, ServerResponse } from 'node:http';
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
    /** The headers helmet sets for this route, found once when the route is added. */
    applySecurityHeaders?: Header[];
  }
}

type Header = [name: string, value: string];

/**
 * The headers helmet's middleware sets with these options, and the Permissions-Policy. Helmet
 * writes the same ones on every response (nothing of ours depends on the request: no nonce), so
 * it runs once, on a stand-in response that records them; it only sets headers (and removes
 * X-Powered-By, which neither node nor fastify writes).
 */
function headersOf(options: HelmetOptions): Header[] {
  const headers: Header[] = [['permissions-policy', PERMISSIONS_POLICY]];
  const recorder = { setHeader: (name: string, value: string) => headers.push([name, value]), removeHeader: () => {} };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, () => {});
  return headers;
}

/**
 * Helmet's headers with our CSP, and the Permissions-Policy, on every response, errors and 404s
 * included. They are found once (and once per route that changes an option), then written on each
 * response: the @fastify/helmet plugin builds helmet's middleware again on every request (~12 µs of
 * a chat request), and running the middleware itself rebuilt the CSP string each time (~3% of the
 * main thread under `npm run bench -- load`).
 */
export const securityHeaders = fp(async (app) => {
  const everywhere = headersOf(OPTIONS);
  app.addHook('onRoute', (route) => {
    const own = route.config?.securityHeaders;
    if (own) route.config = { ...route.config, applySecurityHeaders: headersOf({ ...OPTIONS, ...own } as HelmetOptions) };
  });
  app.addHook('onRequest', (request, reply, done) => {
    for (const [name, value] of request.routeOptions.config.applySecurityHeaders ?? everywhere) reply.raw.setHeader(name, value);
    done();
  });
}, { name: 'security-headers' });

/** Route options for files other sites' pages load (no-cors): widget.js and widget.css. */
export const embeddable = { config: { securityHeaders: { crossOriginResourcePolicy: { policy: 'cross-origin' as const } } } };
