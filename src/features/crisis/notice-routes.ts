import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { staleLangs } from '../../knowledge/freshness.js';
import { langSchema } from '../../knowledge/schema.js';
import type { CrisisNotice } from '../../storage/index.js';
import { inScope } from '../staff/roles.js';
import { refuseUnknownLangs, sendError } from '../../http/errors.js';
import { documented } from '../../http/openapi.js';
import { newestFirst, nextPage, pageQuery } from '../../http/paging.js';
import { chars } from '../../http/schemas.js';
import type { Knowledge } from '../../knowledge/knowledge.js';
import type { CrisisNotices } from './crisis-notices.js';
import type { Texts } from '../../shared/i18n.js';

declare module '../../http/require-core.js' {
  /** What these routes read of the bot. */
  interface CorePort {
    readonly knowledge: Knowledge;
    readonly notices: CrisisNotices;
    readonly texts: Texts;
  }
}

/** A notice lasts at most this long: one left set by mistake does not greet citizens for a year. */
export const MAX_NOTICE_DAYS = 90;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

const orgParams = z.object({ org: chars(1, 100) });
const text = z
  .record(langSchema, chars(0, 1000))
  .refine((t) => Object.values(t).some((s) => s?.trim()), 'a notice needs a text in at least one language')
  .describe("The notice per language; a citizen whose language is missing (or written before another language's last change) gets another's, marked as such");
const noticeBody = z.strictObject({
  text,
  until: z
    .string()
    .refine((s) => DATE_TIME.test(s) && !Number.isNaN(Date.parse(s)), 'a date and time with its UTC offset, e.g. 2026-12-24T20:00+01:00')
    .describe('When it ends by itself: a date and time with its offset'),
});

const noticeReply = z.object({
  id: z.string(),
  org: z.string(),
  text: z.record(z.string(), z.string()),
  written: z.record(z.string(), z.string()).describe('When each language was last written'),
  stale: z.array(z.string()).describe("Languages written before another language's last change: served as that one's text, marked, until updated"),
  until: z.string(),
  at: z.string(),
  by: z.string().describe('Who set it: a username, or api-token'),
});
const snapshot = z.object({ id: z.string(), text: z.record(z.string(), z.string()), until: z.string() });
const logEntry = z.object({ at: z.string(), org: z.string(), actor: z.string(), action: z.enum(['set', 'end']), before: snapshot.optional(), after: snapshot.optional() });

const shown = (n: CrisisNotice) => ({ ...n, stale: staleLangs(n.text, n.written) });

/**
 * An organisation's crisis notice (under /api/admin): read it (the board's roles), set or end it
 * (those who change statuses), and the log of who did which. Every change is in the log.
 */
export const crisisNoticeRoutes: FastifyPluginAsyncZod = async (app) => {
  /** The organisation named, when the caller may see it; else the refusal is sent. */
  const organisation = (request: FastifyRequest, org: string, reply: FastifyReply): string | undefined => {
    if (!request.core.knowledge.organisation(org)) return void sendError(reply, 404, `No organisation "${org}".`);
    if (!inScope(request.principal!, org)) return void sendError(reply, 403, `"${org}" is not one of your organisations.`);
    return org;
  };

  const read = documented("The organisation's crisis notice in force, or null", z.object({ notice: noticeReply.nullable() }).describe('The notice'));
  app.get('/organisations/:org/notice', { schema: { params: orgParams, ...read }, config: { permission: 'board' } }, async (request, reply) => {
    const org = organisation(request, request.params.org, reply);
    if (!org) return reply;
    const notice = request.core.notices.active(org);
    return { notice: notice ? shown(notice) : null };
  });

  const put = documented(
    `Set the organisation's crisis notice until a time (at most ${MAX_NOTICE_DAYS} days ahead), replacing the one before: every new conversation about it starts with it, the widget shows it as a banner, Telegram's /start shows it. Logged`,
    z.object({ notice: noticeReply }).describe('The notice in force'),
    [400],
  );
  app.put('/organisations/:org/notice', { schema: { params: orgParams, body: noticeBody, ...put }, config: { permission: 'status' } }, async (request, reply) => {
    if (refuseUnknownLangs(reply, 'text', request.core.texts.langs, request.body.text)) return reply;
    const org = organisation(request, request.params.org, reply);
    if (!org) return reply;
    const until = Date.parse(request.body.until);
    if (until <= Date.now()) return sendError(reply, 400, 'body/until is past: a notice needs an end in the future.');
    if (until > Date.now() + MAX_NOTICE_DAYS * 86_400_000) return sendError(reply, 400, `body/until is more than ${MAX_NOTICE_DAYS} days ahead: set a nearer end, and set it again later if needed.`);
    const written = Object.fromEntries(Object.entries(request.body.text).filter((e): e is [string, string] => !!e[1]?.trim()).map(([l, t]) => [l, t.trim()]));
    const notice = await request.core.notices.set(org, written, request.body.until, request.principal!.actor);
    request.log.info({ org, notice: notice.id, by: notice.by, until: notice.until }, 'crisis notice set');
    return { notice: shown(notice) };
  });

  const del = documented("End the organisation's crisis notice now. Logged. 404 when none is in force", z.object({ ended: noticeReply }).describe('The notice ended'));
  app.delete('/organisations/:org/notice', { schema: { params: orgParams, ...del }, config: { permission: 'status' } }, async (request, reply) => {
    const org = organisation(request, request.params.org, reply);
    if (!org) return reply;
    const ended = await request.core.notices.end(org, request.principal!.actor);
    if (!ended) return sendError(reply, 404, `"${org}" has no crisis notice in force.`);
    request.log.info({ org, notice: ended.id, by: request.principal!.actor }, 'crisis notice ended');
    return { ended: shown(ended) };
  });

  const log = documented(
    'Who set or ended the crisis notices of my organisations, newest first, a page at a time (`limit`, then `before`)',
    z.object({ entries: z.array(logEntry), next: nextPage }).describe('Newest first'),
    [400],
  );
  app.get('/notice-log', { schema: { querystring: pageQuery, ...log }, config: { permission: 'status' } }, async (request) => {
    const { limit, before } = request.query;
    const page = await newestFirst(request.core.notices.log, (e) => inScope(request.principal!, e.org), limit, before);
    return { entries: page.items, ...(page.next !== undefined ? { next: page.next } : {}) };
  });
};
