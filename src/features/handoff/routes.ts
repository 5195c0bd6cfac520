import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { HANDOFF_STATUSES, type Handoff } from '../../storage/index.js';
import { inScope, type Principal } from '../staff/roles.js';
import { sendError } from '../../http/errors.js';
import { chars } from '../../http/schemas.js';
import { documented } from '../../http/openapi.js';
import type { HandoffDesk } from './desk.js';

declare module '../../http/require-core.js' {
  /** What these routes read of the bot. */
  interface CorePort {
    readonly handoffs: HandoffDesk;
  }
}

const params = z.object({ id: chars(1, 100) });
const listQuery = z.strictObject({
  status: z.enum(HANDOFF_STATUSES).optional().describe('Only those in this status; default waiting and assigned'),
  since: z.iso.datetime().optional().describe("The previous answer's `at`: only the hand-overs changed since are sent whole"),
});
/** Instances' clocks may differ a little: `since` reaches back this far, and a hand-over may come twice (the console replaces it by id). */
const CLOCK_SKEW_MS = 5000;
const replyBody = z.strictObject({ text: chars(1, 2000).regex(/\S/u, 'must not be blank') });

const message = z.object({ at: z.string(), from: z.enum(['citizen', 'bot', 'staff']), text: z.string(), by: z.string().optional() });
const handoff = z.object({
  id: z.string(),
  org: z.string(),
  channel: z.string().describe('web or telegram'),
  lang: z.string().describe("The citizen's language"),
  status: z.enum(HANDOFF_STATUSES),
  assignee: z.string().optional(),
  createdAt: z.string(),
  activityAt: z.string().describe('The last message or change'),
  closedAt: z.string().optional(),
  waitNoticeAt: z.string().optional().describe('When the citizen was told nobody is free'),
  transcript: z.number().describe('How many of the messages are from before the hand-over'),
  messages: z.array(message),
  waitingSince: z.string().optional().describe('Since when the citizen waits for staff: from the hand-over until a first reply, then from their first message after the last reply; absent when staff spoke last'),
});
const summary = z
  .object({
    waiting: z.number().describe('Conversations of my organisations where a citizen waits for staff'),
    longestWaitSeconds: z.number().describe('How long the one waiting longest has waited (0: nobody waits)'),
  })
  .describe('For the badge every console page shows');
const one = z.object({ handoff });

/**
 * Since when the citizen has been waiting for staff: from the hand-over until a first reply, then
 * from their first message after staff's last reply; undefined when staff spoke last (or closed it).
 */
export function waitingSince(h: Handoff): string | undefined {
  if (h.status === 'closed') return undefined;
  const messages = h.messages.slice(h.transcript);
  let lastStaff = -1;
  messages.forEach((m, i) => {
    if (m.from === 'staff') lastStaff = i;
  });
  if (lastStaff < 0) return h.createdAt;
  return messages.slice(lastStaff + 1).find((m) => m.from === 'citizen')?.at;
}

/** What staff see of a hand-over: its address stays on the server (a web session id reads the citizen's notices). */
const view = (h: Handoff) => {
  const { address, posts: _posts, ...rest } = h;
  const since = waitingSince(h);
  return { ...rest, channel: address.channel, ...(since ? { waitingSince: since } : {}) };
};

/** The conversation when it is one of the caller's organisations': else the 404 or 403 is sent. */
async function reachable(h: Handoff | undefined, id: string, principal: Principal, reply: FastifyReply): Promise<Handoff | undefined> {
  if (!h) {
    sendError(reply, 404, `No hand-over "${id}" (or it was deleted after its retention).`);
    return undefined;
  }
  if (!inScope(principal, h.org)) {
    sendError(reply, 403, `This hand-over is not one of your organisations'.`);
    return undefined;
  }
  return h;
}

const closedAlready = (reply: FastifyReply) => sendError(reply, 409, 'This hand-over is closed: the citizen is back with the bot.');

/**
 * Hand-overs to staff (under /api/admin/handoffs): the queue of my organisations, newest activity
 * first; take one, reply, close. A reply reaches the citizen at once (web chat: the events stream,
 * else the next poll; Telegram: a message).
 */
export const handoffRoutes: FastifyPluginAsyncZod = async (app) => {
  const list = documented(
    'The hand-overs of my organisations, newest activity first (default: waiting and assigned); with `since`, only those changed since are sent, and `ids` gives the whole queue in order',
    z
      .object({
        handoffs: z.array(handoff).describe('Every hand-over of the queue, or with `since` those changed since'),
        ids: z.array(z.string()).describe('The whole queue, newest activity first'),
        at: z.string().describe('Send it as `since` with the next request'),
      })
      .describe('The queue'),
    [400],
  );
  app.get('', { schema: { querystring: listQuery, ...list }, config: { permission: 'handoff' } }, async (request) => {
    const at = new Date().toISOString();
    const statuses = request.query.status ? [request.query.status] : (['waiting', 'assigned'] as const);
    const queue = (await request.core.handoffs.list(statuses)).filter((h) => inScope(request.principal!, h.org));
    const since = request.query.since ? Date.parse(request.query.since) - CLOCK_SKEW_MS : -Infinity;
    // The console reads the queue every 3 s: a conversation that did not change is not sent again.
    const changedAt = (h: Handoff) => Math.max(Date.parse(h.activityAt), h.waitNoticeAt ? Date.parse(h.waitNoticeAt) : 0);
    return { handoffs: queue.filter((h) => changedAt(h) > since).map(view), ids: queue.map((h) => h.id), at };
  });

  const waiting = documented('How many citizens of my organisations wait for staff, and the longest wait: the console polls it on every page', summary);
  app.get('/waiting', { schema: waiting, config: { permission: 'handoff' } }, async (request) => {
    const open = (await request.core.handoffs.list(['waiting', 'assigned'])).filter((h) => inScope(request.principal!, h.org));
    const since = open.map(waitingSince).filter((at): at is string => !!at).map(Date.parse);
    return { waiting: since.length, longestWaitSeconds: since.length ? Math.max(0, Math.round((Date.now() - Math.min(...since)) / 1000)) : 0 };
  });

  const read = documented('One hand-over with its transcript and messages', one.describe('The conversation'));
  app.get('/:id', { schema: { params, ...read }, config: { permission: 'handoff' } }, async (request, reply) => {
    const h = await reachable(await request.core.handoffs.get(request.params.id), request.params.id, request.principal!, reply);
    return h ? { handoff: view(h) } : reply;
  });

  const assign = documented('Take a hand-over: it is assigned to me', one.describe('Assigned'), [409]);
  app.post('/:id/assign', { schema: { params, ...assign }, config: { permission: 'handoff' } }, async (request, reply) => {
    const desk = request.core.handoffs;
    if (!(await reachable(await desk.get(request.params.id), request.params.id, request.principal!, reply))) return reply;
    const h = await desk.assign(request.params.id, request.principal!.actor);
    return h ? { handoff: view(h) } : closedAlready(reply);
  });

  const send = documented('Reply to the citizen (it reaches them at once, labelled as from staff); a waiting hand-over is assigned to me', one.describe('Sent'), [400, 409], 201);
  app.post('/:id/messages', { schema: { params, body: replyBody, ...send }, config: { permission: 'handoff' } }, async (request, reply) => {
    const desk = request.core.handoffs;
    if (!(await reachable(await desk.get(request.params.id), request.params.id, request.principal!, reply))) return reply;
    const h = await desk.reply(request.params.id, request.principal!.actor, request.body.text.trim());
    return h ? reply.code(201).send({ handoff: view(h) }) : closedAlready(reply);
  });

  const close = documented('Close a hand-over: the citizen is told, and the bot answers them again', one.describe('Closed'), [409]);
  app.post('/:id/close', { schema: { params, ...close }, config: { permission: 'handoff' } }, async (request, reply) => {
    const desk = request.core.handoffs;
    if (!(await reachable(await desk.get(request.params.id), request.params.id, request.principal!, reply))) return reply;
    const h = await desk.close(request.params.id);
    return h ? { handoff: view(h) } : closedAlready(reply);
  });
};
