import type { Config } from '../config.js';
import { createLogger } from './logger.js';
import type { ChatCore } from './chat-core.js';
import { assemble } from './assemble.js';
import { buildApp, serveMetrics } from './http.js';
import { createStores } from '../storage/index.js';
import type { NluService } from '../nlu/index.js';
import { systemdWatchdog } from './systemd-watchdog.js';

/**
 * Starts what the configuration asks for and shuts down gracefully on SIGTERM/SIGINT.
 * @param nlu the NLU that src/main.ts started (createNlu()); none: the core creates it
 * @param started when the process started (performance.now()), for the log's readyMs
 */
export async function serve(config: Config, nlu: Promise<NluService> | undefined, started: number, log = createLogger(config)): Promise<void> {
  let core: ChatCore | undefined;
  let telegram: { stop(): Promise<void> } | void;
  const app = buildApp({ bot: () => core, logger: log, adminToken: config.ADMIN_TOKEN, widgetOrigins: config.WIDGET_ORIGINS,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE, maxEventStreams: config.MAX_EVENT_STREAMS, trustProxy: config.TRUST_PROXY, metricsToken: config.METRICS_PORT ? undefined : config.METRICS_TOKEN, staffConfig: config });
  const metrics = config.METRICS_PORT ? await serveMetrics({ bot: () => core, port: config.METRICS_PORT, token: config.METRICS_TOKEN, logger: log }) : undefined;
  app.addHook('onClose', async () => metrics?.close());
  // Telegram's code is loaded only when it is configured.
  const telegramChannel = config.TELEGRAM_BOT_TOKEN ? await import('../features/telegram/index.js') : undefined;
  // Fastify takes no routes once listening: the webhook answers 503 until Telegram starts.
  if (telegramChannel && config.TELEGRAM_WEBHOOK_URL) app.register(telegramChannel.telegramWebhook, { config });

  // app.close() stops listening, answers the requests already taken, then runs the onClose hooks,
  // last added first: they are added (before listening, as fastify requires) in the order things
  // start, so Telegram stops before the core closes (flushing sessions and statistics).
  const watchdog = systemdWatchdog({ socket: config.NOTIFY_SOCKET, watchdogUsec: config.WATCHDOG_USEC }, () => core, log);
  app.addHook('onClose', async () => core?.close());
  app.addHook('onClose', async () => watchdog.stop());
  app.addHook('onClose', async () => telegram?.stop());
  await app.listen({ port: config.PORT, host: config.HOST });

  // From here on a signal shuts down cleanly, also while the core is still starting.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    // Each step is bounded (Telegram, the notices in flight); should one still hang, the process ends anyway.
    setTimeout(() => {
      log.error('shutdown took over 9 s: exiting without waiting further');
      process.exit(1);
    }, 9000).unref();
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  const stores = createStores(config, {
    onDegraded: (err) =>
      log.warn({ error: (err as Error)?.message }, 'store unreachable: conversations go on from process memory; subscriptions and status changes are refused until it is back'),
    onRecovered: () => log.info('store reachable again'),
  });
  core = await assemble(config, stores, log, nlu);
  // Edited knowledge files are picked up on their own; an invalid edit keeps the last good one.
  core.live.watch(
    (err) => log.error({ error: (err as Error).message }, 'knowledge base not reloaded: the previous one stays in service'),
    () => log.info('knowledge base reloaded'),
  );
  // Several instances on one Redis: a status change made on another shows here within seconds.
  if (config.STORE === 'redis') core.live.follow(3000, (err) => log.warn({ error: (err as Error).message }, 'live status refresh failed'));
  if (config.STORE === 'redis') core.services.follow(3000, (err) => log.warn({ error: (err as Error).message }, 'live service status refresh failed'));
  if (config.STORE === 'redis') core.notices.follow(3000, (err) => log.warn({ error: (err as Error).message }, 'crisis notices refresh failed'));
  log.info(
    { url: `http://${config.HOST}:${config.PORT}`, encoders: core.nlu.encoders, readyMs: Math.round(performance.now() - started) },
    'citizen chatbot ready',
  );
  watchdog.ready();
  // A Telegram outage or a revoked token is logged and leaves the web chat serving.
  telegram = telegramChannel
    ? await telegramChannel.startTelegram(core, config, app, log).catch((err: Error) => log.error({ error: err.message }, 'telegram channel not started'))
    : undefined;
}
