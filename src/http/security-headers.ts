import helmet, { type HelmetOptions } from 'helmet';

/**
 * The headers helmet's middleware sets with these options, computed once by running it on a
 * stand-in response. Our options hold no per-request values (no nonces, no directive functions),
 * so every response gets the very same headers; running the middleware per request (as
 * @fastify/helmet does) rebuilt them each time (~35 µs a request).
 */
export function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet(options)({} as never, response as never, (err?: unknown) => {
    if (err) throw err;
  });
  return headers;
}
