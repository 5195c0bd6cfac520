import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { langSchema, type Office } from '../../knowledge/schema.js';
import { staleLangs, type Written } from '../../knowledge/freshness.js';
import { newChangeId } from './notifier.js';
import { audience, previewAnnouncement } from '../knowledge-editor/preview.js';
import { addressKey, type Announcement } from '../../storage/index.js';
import { inScope, type Principal } from '../staff/roles.js';
import { refuseUnknownLangs, sendError } from '../../http/errors.js';
import { audienceReply, chars } from '../../http/schemas.js';
import { documented } from '../../http/openapi.js';
import { newestFirst, nextPage, pageQuery } from '../../http/paging.js';
import type { Knowledge } from '../../knowledge/knowledge.js';
import type { Notifier } from './notifier.js';
import type { Stores, SubscriptionRepository } from '../../storage/index.js';
import type { Texts } from '../../shared/i18n.js';

declare module '../../http/require-core.js' {
  /** What these routes read of the bot. */
  interface CorePort {
    readonly knowledge: Knowledge;
    readonly notifier: Notifier;
    readonly stores: Stores;
    readonly subscriptions: SubscriptionRepository;
    readonly texts: Texts;
  }
}

const id = z.string().regex(/^[a-z0-9-]{1,100}$/, 'an id');
const texts = z
  .record(langSchema, chars(0, 2000))
  .refine((t) => Object.values(t).some((s) => s?.trim()), 'an announcement needs a text in at least one language')
  .describe('The text per language; a subscriber whose language is missing gets the organisation\'s language\'s, marked as such');
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const written = z
  .record(langSchema, z.string().refine((s) => DATE_TIME.test(s) && !Number.isNaN(Date.parse(s)), 'a date and time with its UTC offset'))
  .describe("When each language was last written (the console's form): a language written before another language's last change is sent as that one's text, marked as such");
const announce = z
  .strictObject({ office: id.optional().describe('To the subscribers of this office…'), org: id.optional().describe('…or of every office of this organisation'), texts, written: written.optional() })
  .refine((a) => !!a.office !== !!a.org, 'name either an office or an organisation (org)')
  .refine((a) => Object.keys(a.written ?? {}).every((l) => a.texts[l as keyof typeof a.texts]?.trim()), 'written: a time only for a language with a text');

const reply = z.object({
  id: z.string(),
  at: z.string(),
  by: z.string().describe('Who sent it: a username, or api-token'),
  org: z.string(),
  office: z.string().optional(),
  texts: z.record(langSchema, z.string()),
  written: z.record(z.string(), z.string()).optional(),
  stale: z.array(z.string()).describe("Languages written before another language's last change: sent as that one's text, marked"),
  recipients: z.number().describe('Subscribers it was queued for'),
  reached: z.number().describe('Deliveries made so far'),
});

type Core = FastifyRequest['core'];

/** Whose subscribers an announcement goes to, when the caller may send it there; else the refusal is sent. */
function recipients(core: Core, principal: Principal, body: z.infer<typeof announce>, reply: FastifyReply): { office?: Office; org: string; offices: Office[] } | undefined {
  if (refuseUnknownLangs(reply, 'texts', core.texts.langs, body.texts)) return undefined;
  const office = body.office ? core.knowledge.office(body.office) : undefined;
  if (body.office && !office) return void sendError(reply, 404, `No office "${body.office}".`);
  const org = office?.organisation ?? body.org!;
  if (!core.knowledge.organisation(org)) return void sendError(reply, 404, `No organisation "${org}".`);
  if (!inScope(principal, org)) return void sendError(reply, 403, `"${org}" is not one of your organisations.`);
  return { office, org, offices: office ? [office] : core.knowledge.officesOf(org) };
}

const filled = (texts: Record<string, string | undefined>) => Object.fromEntries(Object.entries(texts).filter((e): e is [string, string] => !!e[1]?.trim()));

/** Announcements (under /api/admin/announcements): a message to subscribers, delivered like a status notice. */
export const announcementRoutes: FastifyPluginAsyncZod = async (app) => {
  const send = documented("Send a message to the subscribers of an office or a whole organisation, once each, in each subscriber's language", z.object({ announcement: reply }).describe('Queued'), [400], 201);
  app.post('', { schema: { body: announce, ...send }, config: { permission: 'announce' } }, async (request, reply) => {
    const { subscriptions, notifier, stores } = request.core;
    const to = recipients(request.core, request.principal!, request.body, reply);
    if (!to) return reply;
    const { office, org, offices } = to;
    const subscribers = (await Promise.all(offices.map((o) => subscriptions.subscribers(o.id)))).flat();
    const texts = filled(request.body.texts);
    const stamps = request.body.written as Written | undefined;
    const announcement: Announcement = {
      id: newChangeId(),
      at: new Date().toISOString(),
      by: request.principal!.actor,
      org,
      ...(office ? { office: office.id } : {}),
      texts,
      ...(stamps ? { written: stamps } : {}),
      recipients: new Set(subscribers.map((s) => addressKey(s.address))).size,
      reached: 0,
    };
    await stores.staff.announcements.add(announcement);
    await notifier.announce(offices[0], { id: announcement.id, org, ...(office ? { office: office.id } : {}), texts, ...(stamps ? { written: stamps } : {}) }, offices.map((o) => o.id));
    request.log.info({ announcement: announcement.id, org, office: office?.id, by: announcement.by, recipients: announcement.recipients }, 'announcement queued');
    return reply.code(201).send({ announcement: { ...announcement, stale: staleLangs(texts, stamps) } });
  });

  const preview = documented(
    'What an announcement would look like to each subscriber, per language (a language without its text gets the organisation\'s, marked as such), and how many it would reach, on which channels: nothing is saved or sent',
    z
      .object({
        notices: z.record(z.string(), z.string()).describe('The notice per language'),
        subscribers: audienceReply,
      })
      .describe('Nothing was saved or sent'),
    [400],
  );
  app.post('/preview', { schema: { body: announce, ...preview }, config: { permission: 'announce' } }, async (request, reply) => {
    const { knowledge, subscriptions, texts } = request.core;
    const to = recipients(request.core, request.principal!, request.body, reply);
    if (!to) return reply;
    const subscribers = (await Promise.all(to.offices.map((o) => subscriptions.subscribers(o.id)))).flat();
    const notices = previewAnnouncement(knowledge, texts, { org: to.org, ...(to.office ? { office: to.office.id } : {}), texts: filled(request.body.texts), written: request.body.written as Written | undefined }, to.offices[0]);
    return { notices, subscribers: audience(subscribers) };
  });

  const list = documented(
    'The announcements of my organisations, newest first, a page at a time (`limit`, then `before`), with how many each reached',
    z.object({ announcements: z.array(reply), next: nextPage }).describe('Newest first'),
    [400],
  );
  app.get('', { schema: { querystring: pageQuery, ...list }, config: { permission: 'announce' } }, async (request) => {
    const { limit, before } = request.query;
    const page = await newestFirst(request.core.stores.staff.announcements, (a) => inScope(request.principal!, a.org), limit, before);
    return { announcements: page.items.map((a) => ({ ...a, stale: staleLangs(a.texts, a.written) })), ...(page.next !== undefined ? { next: page.next } : {}) };
  });
};
