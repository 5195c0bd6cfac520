import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { canonicalPhone, checkContact } from '../../conversation/contact-check.js';
import { localized } from '../../knowledge/knowledge.js';
import type { Organisation } from '../../knowledge/schema.js';
import { hostOf, type FoundContact } from '../../nlu/contacts.js';
import { SCAM_KINDS, type ScamEntry, type ScamKind } from '../../storage/index.js';
import { inScope } from '../staff/roles.js';
import { sendError } from '../../http/errors.js';
import { documented } from '../../http/openapi.js';
import { chars } from '../../http/schemas.js';
import type { Knowledge } from '../../knowledge/knowledge.js';
import type { Stores } from '../../storage/index.js';

declare module '../../http/require-core.js' {
  /** What these routes read of the bot. */
  interface CorePort {
    readonly knowledge: Knowledge;
    readonly stores: Stores;
  }
}

const params = z.object({ org: z.string().regex(/^[a-z0-9-]{1,100}$/, 'an organisation id') });
const entryParams = params.extend({ id: z.string().regex(/^[a-f0-9]{16}$/, 'an entry id') });
const body = z.strictObject({
  kind: z.enum(SCAM_KINDS).describe('phone: a number (national in the organisation\'s country, or international); email: an address; domain: a host name or a link'),
  value: chars(3, 300).describe('As it reached citizens: the bot compares its canonical form'),
});

const entry = z.object({
  id: z.string(),
  org: z.string(),
  kind: z.enum(SCAM_KINDS),
  value: z.string().describe('What the bot compares: E.164, a lowercase address or host name'),
  written: z.string().describe('As staff wrote it'),
  by: z.string(),
  at: z.string(),
});
const logEntry = z.object({ at: z.string(), actor: z.string(), action: z.enum(['add', 'remove']), org: z.string(), kind: z.enum(SCAM_KINDS), value: z.string() });

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** The form the bot compares, or why there is none. */
function canonical(kind: ScamKind, value: string, org: Organisation): { value: string } | { problem: string } {
  const v = value.trim();
  if (kind === 'phone') {
    const phone = canonicalPhone(v, org.country);
    return phone ? { value: phone } : { problem: `body/value: "${v}" is not a valid phone number${org.country ? ` (national numbers are read as ${org.country}'s)` : ''}.` };
  }
  if (kind === 'email') {
    const host = EMAIL.test(v) ? hostOf(v.slice(v.indexOf('@') + 1)) : undefined;
    return host ? { value: `${v.slice(0, v.indexOf('@')).toLowerCase()}@${host}` } : { problem: `body/value: "${v}" is not an email address.` };
  }
  const host = hostOf(v.replace(/^[a-z]+:\/\//i, '').split(/[/?#]/)[0]);
  return host ? { value: host } : { problem: `body/value: "${v}" is not a domain or a link with a known top-level domain.` };
}

/** The contact as the dialogue would find it in a message, to check it is none of the official ones. */
const asFound = (kind: ScamKind, value: string): FoundContact =>
  kind === 'phone' ? { kind: 'phone', value } : kind === 'email' ? { kind: 'email', value } : { kind: 'link', value, hostname: value };

const scamId = (org: string, kind: ScamKind, value: string) => createHash('sha256').update(`${org}|${kind}|${value}`).digest('hex').slice(0, 16);

/** The organisation the route names, when the caller may act on it; else the refusal is sent. */
function organisation(request: Pick<FastifyRequest, 'core' | 'principal'> & { params: { org: string } }, reply: FastifyReply): Organisation | undefined {
  const org = request.core.knowledge.organisation(request.params.org);
  if (!org) return void sendError(reply, 404, `No organisation "${request.params.org}".`);
  if (!inScope(request.principal!, org.id)) return void sendError(reply, 403, `"${org.id}" is not one of your organisations.`);
  return org;
}

/**
 * Known scam contacts (under /api/admin/organisations): the numbers, addresses and domains that
 * pretend to be an organisation, which the bot warns citizens of by name. Staff of the
 * organisation list and remove them; each change is logged with who and when.
 */
export const scamRoutes: FastifyPluginAsyncZod = async (app) => {
  const list = documented(
    "An organisation's known scam contacts, oldest first, and the latest changes to the list (newest first)",
    z.object({ scams: z.array(entry), log: z.array(logEntry) }).describe('The list'),
    [404],
  );
  app.get('/:org/scams', { schema: { params, ...list }, config: { permission: 'board' } }, async (request, reply) => {
    const org = organisation(request, reply);
    if (!org) return reply;
    const { scams } = request.core.stores;
    const [entries, log] = await Promise.all([scams.list(org.id), scams.log(org.id)]);
    return { scams: entries, log };
  });

  const add = documented(
    'List a scam contact of the organisation: from the next message on, the bot warns citizens who ask about it. Logged. 409 when it is listed already or is one of the official contacts',
    z.object({ scam: entry }).describe('Listed'),
    [400, 404, 409],
    201,
  );
  app.post('/:org/scams', { schema: { params, body, ...add }, config: { permission: 'knowledge' } }, async (request, reply) => {
    const org = organisation(request, reply);
    if (!org) return reply;
    const { kind, value } = request.body;
    const form = canonical(kind, value, org);
    if ('problem' in form) return sendError(reply, 400, form.problem);
    const { knowledge, stores } = request.core;
    const official = checkContact(knowledge, asFound(kind, form.value), []);
    if (official.verdict !== 'unknown') {
      const whose = localized((official as { org: Organisation }).org.name, 'en');
      return sendError(reply, 409, `"${value.trim()}" is an official contact of ${whose} in the knowledge base: it cannot be listed as a scam.`, { reason: 'official' });
    }
    const scam: ScamEntry = { id: scamId(org.id, kind, form.value), org: org.id, kind, value: form.value, written: value.trim(), by: request.principal!.actor, at: new Date().toISOString() };
    if (!(await stores.scams.add(scam))) return sendError(reply, 409, `"${form.value}" is listed already.`, { reason: 'listed' });
    request.log.info({ org: org.id, kind, by: scam.by }, 'scam contact listed');
    return reply.code(201).send({ scam });
  });

  const remove = documented('Remove a contact from the scam list (logged)', z.object({ removed: entry }).describe('Removed'), [404]);
  app.delete('/:org/scams/:id', { schema: { params: entryParams, ...remove }, config: { permission: 'knowledge' } }, async (request, reply) => {
    const org = organisation(request, reply);
    if (!org) return reply;
    const removed = await request.core.stores.scams.remove(org.id, request.params.id, request.principal!.actor, new Date().toISOString());
    if (!removed) return sendError(reply, 404, `No scam contact "${request.params.id}" listed for "${org.id}".`);
    request.log.info({ org: org.id, kind: removed.kind, by: request.principal!.actor }, 'scam contact removed');
    return { removed };
  });
};
