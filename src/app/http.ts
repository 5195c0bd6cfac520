import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ChatCore, GetBot } from './chat-core.js';
import { webchat } from '../features/webchat/index.js';
import { errorReplies, validationError } from '../http/errors.js';
import { useZodSchemas } from '../http/schemas.js';
import { securityHeaders } from '../http/security-headers.js';
import { staffApi } from '../features/staff/plugin.js';
import type { AdminFeature } from '../features/staff/admin-routes.js';
import { announcementRoutes } from '../features/notifications/announcement-routes.js';
import { handoffRoutes } from '../features/handoff/routes.js';
import { teachingRoutes } from '../features/teaching/routes.js';
import { knowledgeRoutes } from '../features/knowledge-editor/routes.js';
import { serviceRoutes } from '../features/status/service-routes.js';
import { crisisNoticeRoutes } from '../features/crisis/notice-routes.js';
import { scamRoutes } from '../features/crisis/scam-routes.js';
import type { Config } from '../config.js';
import { healthRoutes, probeRoutes } from './health.js';
import { openApi } from '../http/openapi.js';
import { requestId, requestIds } from '../http/request-id.js';
import { metricsRoutes, requestMetrics } from '../features/insights/metrics-routes.js';
import { staffConsole } from '../features/console/index.js';
import { statusPageRoutes } from '../features/status-page/routes.js';

export interface AppOptions {
  /** The core, or a getter while it is still starting (then the routes that need it answer 503). */
  bot: ChatCore | GetBot;
  logger?: FastifyBaseLogger;
  /** Enables /api/admin; without it the admin API answers that it is off. */
  adminToken?: string;
  /** Sites allowed to embed the chat widget (CORS); the server's own pages always may. */
  widgetOrigins?: string[];
  /** Chat messages a client may send per minute; 0 turns the limit off. */
  rateLimitPerMinute?: number;
  /** MAX_EVENT_STREAMS: the web chat's event streams open at once (default 1,000). */
  maxEventStreams?: number;
  /**
   * Behind a reverse proxy (TRUST_PROXY): how many hops of X-Forwarded-For to believe, counted from
   * the right, or the proxies' addresses and ranges; the client's address is the one the last
   * trusted proxy saw. Never `true` (fastify's "every hop": the first entry, which the client writes).
   */
  trustProxy?: false | number | string[];
  /** METRICS_TOKEN: /metrics with this Bearer token; without it /metrics is off here (see serveMetrics). */
  metricsToken?: string;
  /** Where staff sessions take their secret and lifetime from; by default the core's configuration. */
  staffConfig?: Pick<Config, 'SESSION_SECRET' | 'DATA_DIR' | 'STAFF_SESSION_HOURS'>;
}

/** The features' staff routes, under /api/admin: adding a feature's is a line here. */
const ADMIN_FEATURES: AdminFeature[] = [
  { routes: announcementRoutes, prefix: '/announcements' },
  { routes: handoffRoutes, prefix: '/handoffs' },
  { routes: teachingRoutes },
  { routes: knowledgeRoutes, prefix: '/knowledge' },
  { routes: serviceRoutes, prefix: '/services' },
  { routes: crisisNoticeRoutes },
  { routes: scamRoutes, prefix: '/organisations' },
];

/** Trusts the `n` proxies nearest to the server (fastify's own reading of a number, which its types leave out). */
const hops = (n: number) => (_address: string, hop: number) => hop < n;

/** How long a client has to send a whole request, headers and body: a body trickled byte by byte is cut then. */
const REQUEST_MS = 10_000;

/** Builds the web server without listening: tests call app.inject(). */
export function buildApp(options: AppOptions): FastifyInstance {
  const core = options.bot;
  const getCore: GetBot = typeof core === 'function' ? core : () => core;
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: 64 * 1024,
    trustProxy: typeof options.trustProxy === 'number' ? hops(options.trustProxy) : (options.trustProxy ?? false),
    // A slow or stuck client cannot hold a connection: requests must arrive within 10 s. Node checks
    // these deadlines every connectionsCheckingInterval (30 s by default, which let a trickled body
    // hold a connection 60-82 s), so the check runs every half second.
    requestTimeout: REQUEST_MS,
    http: { headersTimeout: REQUEST_MS, requestTimeout: REQUEST_MS, connectionsCheckingInterval: 500 },
    connectionTimeout: 15_000,
    keepAliveTimeout: 10_000,
    // Not fastify's two lines per request: requestIds logs one, without the URL.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestId,
    // On SIGTERM, requests the server already took are answered (the bot closes only after them), not refused with a 503.
    return503OnClosing: false,
    schemaErrorFormatter: validationError,
  });
  useZodSchemas(app);
  // JSON only: anything else is a 415, not a string for the schema to puzzle over.
  app.removeContentTypeParser('text/plain');

  app.register(requestIds);
  // Before any route: it collects every route registered after it.
  app.register(openApi);
  app.register(errorReplies);
  app.register(securityHeaders);
  app.register(requestMetrics, { getCore });
  app.register(healthRoutes, { getCore });
  app.register(probeRoutes, { getCore });
  app.register(metricsRoutes, { getCore, token: options.metricsToken });
  app.register(webchat, { getPort: getCore, origins: options.widgetOrigins ?? [], rateLimitPerMinute: options.rateLimitPerMinute ?? 0, maxEventStreams: options.maxEventStreams });
  app.register(staffApi, { getCore, features: ADMIN_FEATURES, token: options.adminToken, config: options.staffConfig ?? (typeof core === 'function' ? undefined : core.config) });
  app.register(staffConsole, { getCore });
  app.register(statusPageRoutes, { getCore });
  return app;
}

export interface MetricsServerOptions {
  bot: ChatCore | GetBot;
  /** METRICS_PORT. */
  port: number;
  /** METRICS_TOKEN, when set required here too. */
  token?: string;
  logger?: FastifyBaseLogger;
}

/** /metrics on a port of its own, bound to localhost only: for a Prometheus on the same machine (or a sidecar). */
export async function serveMetrics(options: MetricsServerOptions): Promise<FastifyInstance> {
  const core = options.bot;
  const getCore: GetBot = typeof core === 'function' ? core : () => core;
  const app = Fastify({ ...(options.logger ? { loggerInstance: options.logger } : { logger: false }), requestTimeout: REQUEST_MS });
  useZodSchemas(app);
  app.register(errorReplies);
  app.register(metricsRoutes, { getCore, token: options.token, open: true });
  await app.listen({ port: options.port, host: '127.0.0.1' });
  return app;
}
