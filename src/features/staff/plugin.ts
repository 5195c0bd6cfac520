import { hkdfSync, randomBytes } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifySession from '@fastify/session';
import type { FastifyPluginAsync } from 'fastify';
import { sessionSecret } from '../webchat/sessions.js';
import type { Config } from '../../config.js';
import type { GetCore } from '../../http/require-core.js';
import { adminRoutes, type AdminFeature } from './admin-routes.js';
import { staffSessionRoutes } from './session-routes.js';
import { authenticator } from './auth.js';
import { warmUp } from './passwords.js';
import { sessionStore } from './session-store.js';

export const SESSION_COOKIE = 'staff_session';

const ownSecret = () => ({ SESSION_SECRET: randomBytes(32).toString('base64url'), DATA_DIR: '', STAFF_SESSION_HOURS: 12 });

export interface StaffApiOptions {
  getCore: GetCore;
  /** The other features' staff routes, under /api/admin. */
  features?: AdminFeature[];
  /** ADMIN_TOKEN: the Bearer token, and what turns the admin API and the console's sessions on. */
  token?: string;
  /** Unset (an app built without a core, in tests): a secret of this process, sessions of 12 hours. */
  config?: Pick<Config, 'SESSION_SECRET' | 'DATA_DIR' | 'STAFF_SESSION_HOURS'>;
}

/**
 * The staff's API: /api/staff/session (console logins) and /api/admin (the admin routes, for a
 * console session or the Bearer token). Cookies, sessions and CSRF tokens come from fastify's
 * own plugins, in this scope only: the chat's routes never read a staff cookie.
 */
export const staffApi: FastifyPluginAsync<StaffApiOptions> = async (app, { getCore, features = [], token, config = ownSecret() }) => {
  const ttlMs = config.STAFF_SESSION_HOURS * 3_600_000;
  // A key of its own, derived from the session secret: a web-chat id can never pass for a staff cookie.
  const secret = Buffer.from(hkdfSync('sha256', sessionSecret(config), '', 'staff-session-cookie', 32)).toString('base64url');
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret,
    cookieName: SESSION_COOKIE,
    // A session exists only once someone logged in, and lasts from the login, not from the last request.
    saveUninitialized: false,
    rolling: false,
    // Secure is set at login, from the request (the plugin's 'auto' would turn SameSite to Lax over HTTP).
    cookie: { httpOnly: true, sameSite: 'strict', path: '/', secure: false, maxAge: ttlMs },
    store: sessionStore(() => getCore()?.stores.staff.sessions, ttlMs),
  });
  await app.register(fastifyCsrf, { sessionPlugin: '@fastify/session', getToken: (request) => request.headers['x-csrf-token'] as string | undefined });
  if (token) void warmUp();
  const authenticate = authenticator(getCore, token, config.STAFF_SESSION_HOURS);
  await app.register(staffSessionRoutes, { prefix: '/api/staff', getCore, token, authenticate });
  await app.register(adminRoutes, { prefix: '/api/admin', getCore, features, token, authenticate });
};
