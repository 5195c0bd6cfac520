import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics for /metrics: one registry per bot, so tests and instances don't mix. */
export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'chatbot_http_requests_total',
    help: 'HTTP requests by route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'chatbot_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['route'] as const,
    buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly intents = new Counter({
    name: 'chatbot_intents_total',
    help: 'Questions by intent, language and channel',
    labelNames: ['intent', 'lang', 'channel'] as const,
    registers: [this.registry],
  });
  readonly fallbacks = new Counter({
    name: 'chatbot_fallbacks_total',
    help: 'Questions answered with the fallback (out of scope or low confidence)',
    labelNames: ['lang', 'channel'] as const,
    registers: [this.registry],
  });
  readonly encoderSkipped = new Counter({
    name: 'chatbot_nlu_encoder_skipped_total',
    help: 'Messages the n-gram head classified alone because the embedding model was behind (its queue full)',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });
  readonly telegramSendErrors = new Counter({
    name: 'chatbot_telegram_send_errors_total',
    help: 'Telegram API calls that failed after retries',
    labelNames: ['method'] as const,
    registers: [this.registry],
  });

  readonly deliveries = new Counter({
    name: 'chatbot_notifications_delivered_total',
    help: 'Status-change notices delivered, by channel (deliveries per second: its rate)',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });
  readonly retries = new Counter({
    name: 'chatbot_notifications_retried_total',
    help: 'Notice deliveries that failed for now and are made again later (429, 5xx, Telegram unreachable)',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });
  readonly failures = new Counter({
    name: 'chatbot_notifications_failed_total',
    help: 'Notice deliveries given up (the chat blocked the bot, or no attempts left)',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });
  /** Set by the bot: how many deliveries wait (in the outbox, or in the queue of every instance). */
  pending: () => Promise<number> = async () => 0;
  readonly queueDepth = new Gauge({
    name: 'chatbot_notifications_pending',
    help: 'Notice deliveries waiting or in hand',
    registers: [this.registry],
    collect: async () => {
      const n = await this.pending().catch(() => undefined);
      if (n !== undefined) this.queueDepth.set(n);
    },
  });
  /** Set by the bot: whether the store cannot be reached. */
  storeDegraded: () => boolean = () => false;
  /** Set by the channels: 'telegram' while the Bot API cannot be reached. */
  readonly outages = new Set<string>();

  /** What cannot be reached now: 'store' (Redis), 'telegram' (the Bot API). */
  down(): string[] {
    return [...(this.storeDegraded() ? ['store'] : []), ...this.outages];
  }
  readonly outage = new Gauge({
    name: 'chatbot_outage',
    help: '1 while that part cannot be reached (store, telegram)',
    labelNames: ['part'] as const,
    registers: [this.registry],
    collect: () => {
      const down = this.down();
      for (const part of ['store', 'telegram']) this.outage.set({ part }, down.includes(part) ? 1 : 0);
    },
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
