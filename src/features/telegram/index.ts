import { createHmac, timingSafeEqual } from 'node:crypto';
import { Bot as Telegram, webhookCallback, type Api } from 'grammy';
import { autoRetry } from '@grammyjs/auto-retry';
import { apiThrottler } from '@grammyjs/transformer-throttler';
import { run, sequentialize } from '@grammyjs/runner';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { LanguageCode } from 'grammy/types';
import type { Logger } from 'pino';
import type { TelegramPort } from './port.js';
import type { Lang } from '../../knowledge/schema.js';
import type { Config } from '../../config.js';
import { COMMANDS, sendReply, telegramHandlers, type Command } from './handlers.js';
import { splitMessage } from './format.js';
import { QuickReplyMemory } from './quick-replies.js';
import { RecentUpdates, telegramGuard } from './guard.js';
import { sendError } from '../../http/errors.js';
import { Reachability } from './reachability.js';
import { errorResponses } from '../../http/openapi.js';

export interface TelegramChannel {
  mode: 'polling' | 'webhook';
  /** The grammY bot; its `api` retries and throttles like every call the channel makes. */
  telegram: Telegram;
  /** Sends a notice to a chat (plain text, split at 4096 characters), retried and throttled. */
  sendText(chatId: string, text: string): Promise<void>;
  /** Stops polling (confirming the updates handled) or makes the webhook route answer 503. */
  stop(): Promise<void>;
  /** Polling: whether updates are still being fetched (webhook: whether the route serves). */
  isRunning(): boolean;
}

/** Only what the channel handles, so Telegram does not send (or queue) anything else. */
const ALLOWED_UPDATES = ['message', 'callback_query'] as const;
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

type WebhookHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
/** The webhook route's state: its secret, and the bot's handler once startTelegram() attaches it. */
interface WebhookSlot {
  secret: string;
  handle?: WebhookHandler;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Set by the telegramWebhook plugin. */
    telegramWebhook: WebhookSlot;
  }
}

/** TELEGRAM_WEBHOOK_SECRET, or one derived from the bot token: the same on every instance, unguessable without the token. */
function webhookSecret(config: Config): string {
  return config.TELEGRAM_WEBHOOK_SECRET ?? createHmac('sha256', config.TELEGRAM_BOT_TOKEN ?? '').update('telegram-webhook-secret').digest('base64url');
}

function sameSecret(header: unknown, secret: string): boolean {
  if (typeof header !== 'string') return false;
  const a = Buffer.from(header);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The webhook route (POST on the path of TELEGRAM_WEBHOOK_URL), registered once on the web server
 * (a second registration fails on the decorator). Fastify takes no routes once it listens, and
 * the bot is ready only later, so src/app/server.ts registers this before listening: until
 * startTelegram() attaches the bot it answers 503, and Telegram redelivers. Every request must
 * carry the secret token, or it gets a 401 before its body is read.
 */
export const telegramWebhook = fp<{ config: Config }>(async (app, { config }) => {
  if (!config.TELEGRAM_WEBHOOK_URL) throw new Error('the Telegram webhook needs TELEGRAM_WEBHOOK_URL');
  const slot: WebhookSlot = { secret: webhookSecret(config) };
  app.decorate('telegramWebhook', slot);
  app.withTypeProvider<ZodTypeProvider>().post(
    new URL(config.TELEGRAM_WEBHOOK_URL).pathname,
    {
      bodyLimit: 1024 * 1024,
      onRequest: async (request, reply) => {
        if (!sameSecret(request.headers[SECRET_HEADER], slot.secret)) return sendError(reply, 401, 'Wrong or missing secret token.');
      },
      // Loose: the update's other fields are grammY's to read, and must reach it.
      schema: {
        tags: ['telegram'],
        summary: 'Telegram posts an update (the path of TELEGRAM_WEBHOOK_URL)',
        security: [{ telegramSecret: [] }],
        body: z.looseObject({ update_id: z.number().int() }),
        response: { 200: z.unknown().describe('Handled (grammY answers Telegram)'), ...errorResponses(400, 401, 413, 415, 503) },
      },
    },
    async (request, reply) => {
      if (!slot.handle) return sendError(reply, 503, 'The Telegram channel is not running.');
      await slot.handle(request, reply);
      return reply;
    },
  );
}, { name: 'telegram-webhook' });

async function registerCommands(api: Api, bot: TelegramPort, config: Config): Promise<void> {
  const commands = (lang: Lang) =>
    (Object.keys(COMMANDS) as Command[]).map((command) => ({ command, description: bot.texts.t(lang)(`telegram.commands.${command}`) }));
  for (const lang of bot.texts.langs) await api.setMyCommands(commands(lang), { language_code: lang as LanguageCode });
  // Users whose app language the bot does not speak see the default language's list.
  await api.setMyCommands(commands(config.DEFAULT_LANG));
}

/**
 * Runs the bot on Telegram: long polling, or a webhook on the web server when
 * TELEGRAM_WEBHOOK_URL is set. Every API call is throttled to Telegram's limits and retried on
 * 429 and 5xx; an error in one update is logged (ids and the error's message, never message
 * text) and the bot carries on. Status-change notices to Telegram subscribers go through it.
 */
export async function startTelegram(bot: TelegramPort, config: Config, app: FastifyInstance, log: Logger): Promise<TelegramChannel> {
  if (!config.TELEGRAM_BOT_TOKEN) throw new Error('TELEGRAM_BOT_TOKEN is not set');
  // A Bot API call that never answers is abandoned after 60 s (grammY's default is 500 s) and retried.
  const telegram = new Telegram(config.TELEGRAM_BOT_TOKEN, { client: { apiRoot: config.TELEGRAM_API_ROOT.replace(/\/+$/, ''), timeoutSeconds: 60 } });
  // The last transformer installed runs first: each retry goes through the throttler again.
  const { outages } = bot.metrics;
  const reachability = new Reachability(log, (reachable) => (reachable ? outages.delete('telegram') : outages.add('telegram')));
  telegram.api.config.use(reachability.transformer); // innermost: sees every attempt, also those auto-retry repeats
  telegram.api.config.use(apiThrottler());
  telegram.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 120 }));
  // Outermost: counts the calls that still failed after the retries.
  telegram.api.config.use(async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal).catch((err: unknown) => {
      bot.metrics.telegramSendErrors.inc({ method });
      throw err;
    });
    if (!result.ok) bot.metrics.telegramSendErrors.inc({ method });
    return result;
  });

  const memory = new QuickReplyMemory(bot.stores.sessions, config.SESSION_TTL_MINUTES * 60_000);
  const failed = (err: unknown, updateId: number, chatId: number | undefined) =>
    // Only the message: a GrammyError's payload holds the text that was being sent.
    log.error({ updateId, chatId, error: err instanceof Error ? err.message : String(err) }, 'telegram update failed');
  // Webhook mode bypasses bot.catch, so the boundary is a middleware of its own.
  telegram.use(async (ctx, next) => {
    log.debug({ updateId: ctx.update.update_id }, 'telegram update');
    try {
      await next();
    } catch (err) {
      failed(err, ctx.update.update_id, undefined);
    }
  });
  // Checked before anything reads the update (a malformed chat.id never reaches sequentialize or sendMessage).
  telegram.use(telegramGuard(new RecentUpdates(), log));
  // Updates are handled in parallel, but one chat's in the order they came.
  telegram.use(sequentialize((ctx) => ctx.chat?.id.toString()));
  telegram.use(telegramHandlers(bot, memory, log));
  telegram.catch((err) => failed(err.error, err.ctx.update.update_id, err.ctx.chat?.id));

  await telegram.init();
  await registerCommands(telegram.api, bot, config).catch((err: Error) => log.warn({ error: err.message }, 'telegram setMyCommands failed'));

  const sendText = (chatId: string, text: string) => sendReply(telegram.api, chatId, { text, quickReplies: [] }, memory);
  bot.notifier.useSender('telegram', (address, text) => sendText(address.id, text));
  bot.handoffs.useTelegram({
    send: sendText,
    // A post's message ids: a staff member's reply to any of them answers the citizen.
    post: async (chatId, text) => {
      const ids: number[] = [];
      for (const part of splitMessage(text)) ids.push((await telegram.api.sendMessage(chatId, part)).message_id);
      return ids;
    },
  });

  if (config.TELEGRAM_WEBHOOK_URL) {
    if (!app.hasDecorator('telegramWebhook')) throw new Error('register the telegramWebhook plugin on the web server before it listens');
    const slot = app.telegramWebhook;
    // Answer Telegram within its timeout even when an update is slow; the work goes on.
    slot.handle = webhookCallback(telegram, 'fastify', { secretToken: slot.secret, onTimeout: 'return', timeoutMilliseconds: 9_000 });
    await telegram.api.setWebhook(config.TELEGRAM_WEBHOOK_URL, { secret_token: slot.secret, allowed_updates: [...ALLOWED_UPDATES] });
    log.info({ bot: telegram.botInfo.username, mode: 'webhook' }, 'telegram channel started');
    return {
      mode: 'webhook',
      telegram,
      sendText,
      async stop() {
        slot.handle = undefined; // the webhook stays set: Telegram keeps updates until we are back
      },
      isRunning: () => slot.handle !== undefined,
    };
  }

  // Long polling through grammY's runner: up to MAX_CONCURRENT_UPDATES handled at once.
  await telegram.api.deleteWebhook(); // a webhook set earlier would make every getUpdates fail (409)
  let lastUpdate = 0;
  telegram.use(async (ctx, next) => {
    lastUpdate = Math.max(lastUpdate, ctx.update.update_id);
    await next();
  });
  const runner = run(telegram, {
    runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES], timeout: 30 }, retryInterval: 1000, maxRetryTime: Number.POSITIVE_INFINITY, silent: true },
    sink: { concurrency: MAX_CONCURRENT_UPDATES },
  });
  // 401 (token revoked) or 409 (another instance polls, or a webhook is set): polling stops.
  void runner.task()?.catch((err: Error) => log.error({ error: err.message }, 'telegram polling stopped'));
  log.info({ bot: telegram.botInfo.username, mode: 'polling' }, 'telegram channel started');
  return {
    mode: 'polling',
    telegram,
    sendText,
    async stop() {
      // The updates in hand are finished, for up to a few seconds (a Bot API that does not answer
      // holds their replies); the ones handled are confirmed so that the next start skips them.
      await within(STOP_WITHIN_MS, runner.isRunning() ? runner.stop() : Promise.resolve());
      if (lastUpdate > 0) await within(1000, telegram.api.getUpdates({ offset: lastUpdate + 1, limit: 1, timeout: 0 }).catch(() => {}));
      reachability.stop();
    },
    isRunning: () => runner.isRunning(),
  };
}

/** Updates handled at once in long polling (each chat's still one after the other). */
const MAX_CONCURRENT_UPDATES = 100;
/** How long stop() waits for the updates in hand: shutdown ends within 10 s whatever the Bot API does. */
const STOP_WITHIN_MS = 5000;

const within = (ms: number, task: Promise<unknown>) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    task.then(done, done);
  });
