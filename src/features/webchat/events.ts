import type { FastifyReply, FastifyRequest } from 'fastify';
import { webInbox } from './inbox.js';

/** Another instance may have written the notice (a shared Redis): the inbox is also read this often. */
const CHECK_EVERY_MS = 1000;
/** A comment line now and then keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;
/** Streams one client address may hold open at once (a citizen with a few tabs). */
export const MAX_STREAMS_PER_CLIENT = 8;

/**
 * The event streams open on this instance, overall and per client address: each holds a
 * connection, two timers and a listener (4,000 open took 45 MB), so past the caps a stream is
 * refused and the widget's notices come by its poll.
 */
export class OpenStreams {
  private total = 0;
  private readonly byClient = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Counts a stream of this client in, or says why not: 'instance' (the overall cap) or 'client'. */
  open(client: string): { closed(): void } | 'instance' | 'client' {
    if (this.total >= this.max) return 'instance';
    const mine = this.byClient.get(client) ?? 0;
    if (mine >= MAX_STREAMS_PER_CLIENT) return 'client';
    this.total++;
    this.byClient.set(client, mine + 1);
    let done = false;
    return {
      closed: () => {
        if (done) return;
        done = true;
        this.total--;
        const left = (this.byClient.get(client) ?? 1) - 1;
        if (left > 0) this.byClient.set(client, left);
        else this.byClient.delete(client);
      },
    };
  }
}

/**
 * A session's notices as server-sent events. A notice written on this instance wakes the stream at
 * once; one written on another is found by the next check. Each is taken from the inbox (as the
 * poll takes them), so it arrives by one path only; those taken as the stream closed go back.
 */
export function streamEvents(request: FastifyRequest, reply: FastifyReply, sessionId: string, closed: () => void): void {
  const { webChat } = request;
  const inbox = webInbox(webChat.stores.inbox);
  // The headers set so far (security, CORS) go out with the stream's own.
  const headers = { ...reply.getHeaders(), 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' };
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, headers as Record<string, string>);
  raw.write('retry: 3000\n\n');
  let reading = false;
  let again = false;
  const flush = async (): Promise<void> => {
    if (raw.destroyed) return; // nothing is taken for a stream that is gone: the poll reads it
    if (reading) return void (again = true);
    reading = true;
    try {
      do {
        again = false;
        for (const { text, staff } of await inbox.takeNotices(sessionId, () => raw.destroyed)) raw.write(`event: notice\ndata: ${JSON.stringify({ text, from: staff ? 'staff' : 'bot' })}\n\n`);
      } while (again && !raw.destroyed);
    } finally {
      reading = false;
    }
  };
  const onWeb = (id: string) => {
    if (id === sessionId) void flush().catch(() => {});
  };
  webChat.handoffs.events.on('web', onWeb);
  const check = setInterval(() => void flush().catch(() => {}), CHECK_EVERY_MS);
  const beat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
  void flush().catch(() => {});
  request.raw.on('close', () => {
    clearInterval(check);
    clearInterval(beat);
    webChat.handoffs.events.off('web', onWeb);
    closed();
  });
}
