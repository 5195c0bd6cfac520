import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { langSchema } from '../../knowledge/schema.js';
import { newChangeId } from '../../operations/notifier.js';
import { addressKey, type Announcement } from '../../storage/index.js';
import { inScope } from '../../staff/roles.js';
import { refuseUnknownLangs, sendError } from '../errors.js';
import { chars } from '../schemas.js';
import { documented } from '../openapi.js';
import { newestFirst, nextPage, pageQuery } from '../paging.js';

const id = z.string().regex(/^[a-z0-9-]{1,100}$/, 'an id');
const texts = z
  .record(langSchema, chars(0, 2000))
  .refine((t) => Object.values(t).some((s) => s?.trim()), 'an announcement needs a text in at least one language')
  .describe('The text per language; a subscriber whose language is missing gets the organisation\'s language\'s, marked as such');
const announce = z
  .strictObject({ office: id.optional().describe('To the subscribers of this office…'), org: id.optional().describe('…or of every office of this organisation'), texts })
  .refine((a) => !!a.office !== !!a.org, 'name either an office or an organisation (org)');

const reply = z.object({
  id: z.string(),
  at: z.string(),
  by: z.string().describe('Who sent it: a username, or api-token'),
  org: z.string(),
  office: z.string().optional(),
  texts: z.record(langSchema, z.string()),
  recipients: z.number().describe('Subscribers it was queued for'),
  reached: z.number().describe('Deliveries made so far'),
});

/** Announcements (under /api/admin/announcements): a message to subscribers, delivered like a status notice. */
export const announcementRoutes: FastifyPluginAsyncZod = async (app) => {
  const send = documented("Send a message to the subscribers of an office or a whole organisation, once each, in each subscriber's language", z.object({ announcement: reply }).describe('Queued'), [400], 201);
  app.post('', { schema: { body: announce, ...send }, config: { permission: 'announce' } }, async (request, reply) => {
    const { knowledge, subscriptions, notifier, stores, texts: locales } = request.core;
    if (refuseUnknownLangs(reply, 'texts', locales.langs, request.body.texts)) return reply;
    const office = request.body.office ? knowledge.office(request.body.office) : undefined;
    if (request.body.office && !office) return sendError(reply, 404, `No office "${request.body.office}".`);
    const org = office?.organisation ?? request.body.org!;
    if (!knowledge.organisation(org)) return sendError(reply, 404, `No organisation "${org}".`);
    if (!inScope(request.principal!, org)) return sendError(reply, 403, `"${org}" is not one of your organisations.`);
    const offices = office ? [office] : knowledge.officesOf(org);
    const subscribers = (await Promise.all(offices.map((o) => subscriptions.subscribers(o.id)))).flat();
    const texts = Object.fromEntries(Object.entries(request.body.texts).filter(([, t]) => t?.trim()));
    const announcement: Announcement = {
      id: newChangeId(),
      at: new Date().toISOString(),
      by: request.principal!.actor,
      org,
      ...(office ? { office: office.id } : {}),
      texts,
      recipients: new Set(subscribers.map((s) => addressKey(s.address))).size,
      reached: 0,
    };
    await stores.staff.announcements.add(announcement);
    await notifier.announce(offices[0], { id: announcement.id, org, ...(office ? { office: office.id } : {}), texts }, offices.map((o) => o.id));
    request.log.info({ announcement: announcement.id, org, office: office?.id, by: announcement.by, recipients: announcement.recipients }, 'announcement queued');
    return reply.code(201).send({ announcement });
  });

  const list = documented(
    'The announcements of my organisations, newest first, a page at a time (`limit`, then `before`), with how many each reached',
    z.object({ announcements: z.array(reply), next: nextPage }).describe('Newest first'),
    [400],
  );
  app.get('', { schema: { querystring: pageQuery, ...list }, config: { permission: 'announce' } }, async (request) => {
    const { limit, before } = request.query;
    const page = await newestFirst(request.core.stores.staff.announcements, (a) => inScope(request.principal!, a.org), limit, before);
    return { announcements: page.items, ...(page.next !== undefined ? { next: page.next } : {}) };
  });
};
