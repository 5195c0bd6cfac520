import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { Update } from 'grammy/types';

/** One call the bot made, as the server saw it. */
export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
  /** The HTTP status answered (a failure injected with failNext, or 200; 0 for a call hung up on with hangNext). */
  status: number;
  at: number;
  /** The message_id given to a delivered message. */
  messageId?: number;
}

interface Failure {
  status: number;
  body: { ok: false; error_code: number; description: string; parameters?: { retry_after?: number } };
}

interface Hang {
  ms: number;
  /** After the delay: hang up without answering (what a timed-out call looks like to the bot), or answer as usual. */
  then: 'drop' | 'answer';
}

interface Poll {
  offset: number;
  respond: (updates: Update[]) => void;
}

export const BOT_USER = { id: 123, is_bot: true, first_name: 'Citizen info', username: 'citizen_info_test_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };

/**
 * A local Telegram Bot API: a real HTTP server on 127.0.0.1 that answers the methods the channel
 * uses, records every call, serves queued updates to getUpdates (a long poll held for a short
 * time) and can fail the next call of a method (429 with retry_after, 5xx).
 */
export class FakeBotApi {
  readonly calls: ApiCall[] = [];
  private updates: Update[] = [];
  private polls: Poll[] = [];
  private failures = new Map<string, Failure[]>();
  private hangs = new Map<string, Hang[]>();
  private hangTimers = new Set<NodeJS.Timeout>();
  private nextUpdateId = 1;
  private nextMessageId = 1;
  private server = http.createServer((req, res) => void this.handle(req, res));

  /** @param maxHoldMs how long a getUpdates is held at most, whatever timeout the bot asked for */
  constructor(private readonly maxHoldMs = 500) {}

  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const timer of this.hangTimers) clearTimeout(timer);
    this.hangTimers.clear();
    for (const poll of this.polls.splice(0)) poll.respond([]);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Queues an update for getUpdates; the update_id is assigned here. */
  push(update: Omit<Update, 'update_id'>): Update {
    const full = { ...update, update_id: this.nextUpdateId++ } as Update;
    this.updates.push(full);
    for (const poll of this.polls.splice(0)) poll.respond(this.pending(poll.offset));
    return full;
  }

  /** A private text message from a user ("/offices" comes as a command, with its entity). */
  message(chatId: number, text: string, languageCode?: string): Update {
    const command = /^\/\S+/.exec(text);
    const entities = command ? [{ type: 'bot_command', offset: 0, length: command[0].length }] : undefined;
    return this.push({ message: { message_id: this.nextMessageId++, date: now(), chat: chat(chatId), from: user(chatId, languageCode), text, entities } } as Omit<Update, 'update_id'>);
  }

  /** A press on a button the bot sent: the message it hangs under comes with it, as on Telegram. */
  press(chatId: number, data: string, languageCode?: string): Update {
    const sent = [...this.sent(chatId)].reverse().find((c) => JSON.stringify(c.payload.reply_markup ?? null).includes(JSON.stringify(data)));
    if (!sent) throw new Error(`no button with callback_data ${data} was sent to chat ${chatId}`);
    return this.push({
      callback_query: {
        id: `cq${this.nextUpdateId}`,
        from: user(chatId, languageCode),
        chat_instance: `ci${chatId}`,
        data,
        message: { message_id: sent.messageId, date: now(), chat: chat(chatId), from: BOT_USER, text: sent.payload.text, reply_markup: sent.payload.reply_markup },
      },
    } as Omit<Update, 'update_id'>);
  }

  /** The next `times` calls of `method` fail with this status (429 carries retry_after). */
  failNext(method: string, status: number, retryAfter?: number, times = 1): void {
    const description = status === 429 ? `Too Many Requests: retry after ${retryAfter ?? 1}` : status >= 500 ? 'Internal Server Error' : 'Bad Request: injected failure';
    const failure: Failure = { status, body: { ok: false, error_code: status, description, ...(retryAfter !== undefined ? { parameters: { retry_after: retryAfter } } : {}) } };
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...Array<Failure>(times).fill(failure)]);
  }

  /**
   * The next `times` calls of `method` are held for `ms` before anything happens: then the
   * connection is dropped unanswered (`drop`, a timeout: nothing was done) or the call is served
   * late (`answer`).
   */
  hangNext(method: string, ms: number, then: Hang['then'] = 'drop', times = 1): void {
    this.hangs.set(method, [...(this.hangs.get(method) ?? []), ...Array<Hang>(times).fill({ ms, then })]);
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Messages delivered (answered 200) to a chat. */
  sent(chatId: number): ApiCall[] {
    return this.callsOf('sendMessage').filter((c) => Number(c.payload.chat_id) === chatId && c.status === 200);
  }

  /** Resolves once `count` calls match, or fails after `timeoutMs`. */
  async waitFor(match: (c: ApiCall) => boolean, count = 1, timeoutMs = 10_000): Promise<ApiCall[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.calls.filter(match);
      if (found.length >= count) return found;
      if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${count} matching call(s); calls: ${this.calls.map((c) => c.method).join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private pending(offset: number): Update[] {
    return this.updates.filter((u) => u.update_id >= offset);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? '');
    let body = '';
    for await (const chunk of req) body += chunk;
    const payload = body && String(req.headers['content-type']).startsWith('application/json') ? (JSON.parse(body) as Record<string, unknown>) : {};
    const send = (status: number, json: unknown) => {
      if (res.writableEnded || res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    };
    if (!m) return send(404, { ok: false, error_code: 404, description: 'Not Found' });
    const method = m[2];
    const hang = this.hangs.get(method)?.shift();
    if (hang) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.hangTimers.delete(timer);
          resolve();
        }, hang.ms);
        this.hangTimers.add(timer);
      });
      if (hang.then === 'drop') {
        this.calls.push({ method, payload, status: 0, at: Date.now() });
        req.socket.destroy();
        return;
      }
    }
    const failure = this.failures.get(method)?.shift();
    this.calls.push({ method, payload, status: failure?.status ?? 200, at: Date.now() });
    if (failure) return send(failure.status, failure.body);
    const ok = (result: unknown) => send(200, { ok: true, result });

    switch (method) {
      case 'getMe':
        return ok(BOT_USER);
      case 'getUpdates': {
        const offset = Number(payload.offset ?? 0);
        // Updates below the offset are confirmed: Telegram forgets them.
        this.updates = this.pending(offset);
        const waiting = this.pending(offset);
        const hold = Math.min(Number(payload.timeout ?? 0) * 1000, this.maxHoldMs);
        if (waiting.length > 0 || hold === 0) return ok(waiting);
        const poll: Poll = { offset, respond: (updates) => ok(updates) };
        this.polls.push(poll);
        const timer = setTimeout(() => {
          this.polls = this.polls.filter((p) => p !== poll);
          ok([]);
        }, hold);
        res.on('close', () => {
          clearTimeout(timer);
          this.polls = this.polls.filter((p) => p !== poll);
        });
        return;
      }
      case 'sendMessage': {
        const call = this.calls.at(-1)!;
        call.messageId = this.nextMessageId++;
        return ok({ message_id: call.messageId, date: now(), chat: { id: Number(payload.chat_id), type: 'private' }, from: BOT_USER, text: payload.text, reply_markup: payload.reply_markup });
      }
      case 'answerCallbackQuery':
      case 'setMyCommands':
      case 'setWebhook':
      case 'deleteWebhook':
        return ok(true);
      default:
        return send(404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    }
  }
}

const now = () => Math.floor(Date.now() / 1000);
const chat = (id: number) => ({ id, type: 'private' as const, first_name: 'Ana' });
const user = (id: number, languageCode?: string) => ({ id, is_bot: false, first_name: 'Ana', ...(languageCode ? { language_code: languageCode } : {}) });

// `npx tsx test/support/fake-bot-api.ts [port] [chatId] [text] [language_code]` serves the fake API, queues
// one message and prints every call, for trying `npm start` against it without Telegram.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [port = '0', chatId = '4242', text = '¿Está abierta la OMAC de Torrellano?', lang = 'es'] = process.argv.slice(2);
  const api = new FakeBotApi(25_000);
  const origin = await api.start(Number(port));
  const record = api.calls.push.bind(api.calls);
  api.calls.push = (...calls: ApiCall[]) => {
    for (const c of calls) process.stdout.write(`${JSON.stringify({ method: c.method, status: c.status, payload: c.payload })}\n`);
    return record(...calls);
  };
  api.message(Number(chatId), text, lang);
  process.stdout.write(`fake Bot API on ${origin} (TELEGRAM_API_ROOT=${origin}); queued a message from chat ${chatId}\n`);
}
