import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
  readonly telegramSendErrors = new Counter({
    name: 'chatbot_telegram_send_errors_total',
    help: 'Telegram API calls that failed after retries',
    labelNames: ['method'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
