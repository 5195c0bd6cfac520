import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountReply, publicAccount } from './accounts.js';
import { login, type Authenticator } from './auth.js';
import { HashingBusy } from './passwords.js';
import { sendError } from '../../http/errors.js';
import { errorResponses } from '../../http/openapi.js';
import type { GetCore } from '../../http/require-core.js';
import { chars } from '../../http/schemas.js';

const credentials = z.strictObject({ username: chars(1, 100), password: chars(1, 1000) });
const who = accountReply.pick({ username: true, role: true, orgs: true, lang: true }).extend({
  csrfToken: z.string().describe('Send it as `x-csrf-token` with every request that changes something'),
});

export interface StaffSessionOptions {
  getCore: GetCore;
  token?: string;
  authenticate: Authenticator;
}

const WRONG = 'Wrong username or password.';

/** Logging in and out of the staff console (under /api/staff): a session cookie and its CSRF token. */
export const staffSessionRoutes: FastifyPluginAsyncZod<StaffSessionOptions> = async (app, { getCore, token, authenticate }) => {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!token) return sendError(reply, 404, 'The staff console is off: set ADMIN_TOKEN to enable it.');
    if (!getCore()) return sendError(reply, 503, 'The bot is still starting.');
  });
  const core = () => getCore()!;

  app.post(
    '/session',
    {
      schema: {
        tags: ['staff'],
        summary: 'Log in: a session cookie (HttpOnly, SameSite=Strict; Secure over HTTPS) and the CSRF token for changes',
        body: credentials,
        response: { 200: who.describe('Logged in'), ...errorResponses(400, 401, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const username = request.body.username.toLowerCase();
      const result = await login(core().stores.staff, username, request.body.password, request.ip).catch((err: unknown) => {
        if (err instanceof HashingBusy) return err;
        throw err;
      });
      if (result instanceof HashingBusy) return sendError(reply.header('retry-after', '2'), 503, result.message);
      if (!result.ok) {
        // Who failed and from where, never the password.
        request.log.warn({ ip: request.ip, throttled: !!result.retryAfterS }, 'staff login refused');
        if (result.retryAfterS) {
          return sendError(reply.header('retry-after', String(result.retryAfterS)), 429, `Too many failed logins: try again in ${result.retryAfterS} s.`);
        }
        return sendError(reply, 401, WRONG);
      }
      // A fresh session id at login: one planted in the browser before it is worth nothing.
      await request.session.regenerate();
      // Secure whenever the login came over HTTPS (with TRUST_PROXY, as X-Forwarded-Proto says).
      request.session.options({ secure: request.protocol === 'https' });
      const { account } = result;
      request.session.staff = { username: account.username, version: account.passwordVersion, since: Date.now() };
      return { ...publicAccount(account), csrfToken: reply.generateCsrf() };
    },
  );

  app.get(
    '/session',
    {
      schema: {
        tags: ['staff'],
        summary: 'Who is logged in, with a CSRF token for this session',
        response: { 200: who.describe('The session'), ...errorResponses(401, 404, 503) },
      },
    },
    async (request, reply) => {
      const principal = await authenticate(request);
      const account = principal?.via === 'session' ? await core().stores.staff.accounts.get(principal.actor) : undefined;
      if (!account) return sendError(reply, 401, 'Not logged in.');
      return { ...publicAccount(account), csrfToken: reply.generateCsrf() };
    },
  );

  app.delete(
    '/session',
    {
      schema: {
        tags: ['staff'],
        summary: 'Log out (needs x-csrf-token); without a session there is nothing to do',
        response: { 204: z.null().describe('Logged out'), ...errorResponses(403, 404, 503) },
      },
      // A session's logout is a change: it carries the session's token, or a page elsewhere could log staff out.
      onRequest: (request, reply, done) => (request.session?.staff ? app.csrfProtection(request, reply, done) : done()),
    },
    async (request, reply) => {
      if (request.session?.staff) await request.session.destroy();
      return reply.code(204).send(null);
    },
  );
};
