import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HashingBusy } from './passwords.js';
import { AccountError, accountChangeSchema, accountReply, newAccountSchema, publicAccount, StaffAccounts, usernameSchema } from './accounts.js';
import { sendError } from '../../http/errors.js';
import { documented } from '../../http/openapi.js';
import type { Knowledge } from '../../knowledge/knowledge.js';
import type { Stores } from '../../storage/index.js';
import type { CorePort } from '../../http/require-core.js';

declare module '../../http/require-core.js' {
  /** What these routes read of the bot. */
  interface CorePort {
    readonly knowledge: Knowledge;
    readonly stores: Stores;
  }
}

const byCore = new WeakMap<CorePort, StaffAccounts>();
/** The staff accounts of a core's store, checked against its knowledge base's organisations. */
export function staffAccounts(core: CorePort): StaffAccounts {
  let accounts = byCore.get(core);
  if (!accounts) byCore.set(core, (accounts = new StaffAccounts(core.stores.staff, () => core.knowledge.organisations.map((o) => o.id))));
  return accounts;
}

const params = z.object({ username: usernameSchema });
const one = z.object({ account: accountReply }).describe('The account (never its password)');

/** Staff accounts (under /api/admin/staff): admins and the token only. */
export const staffAccountRoutes: FastifyPluginAsyncZod = async (app) => {
  // The account errors say what was wrong (a 400, an unknown one 404, a username taken 409).
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof AccountError) return sendError(reply, error.statusCode, error.message);
    if (error instanceof HashingBusy) return sendError(reply.header('retry-after', '2'), 503, error.message);
    throw error;
  });

  const create = documented('Create a staff account: username, password (at least 12 characters, not too easy to guess), role, organisations', one, [400, 409], 201);
  app.post('', { schema: { body: newAccountSchema, ...create }, config: { permission: 'manage' } }, async (request, reply) => {
    const account = await staffAccounts(request.core).create(request.body);
    request.log.info({ staff: account.username, role: account.role, by: request.principal!.actor }, 'staff account created');
    return reply.code(201).send({ account: publicAccount(account) });
  });

  const list = documented('The staff accounts', z.object({ accounts: z.array(accountReply) }).describe('Every account, by username'));
  app.get('', { schema: list, config: { permission: 'manage' } }, async (request) => ({ accounts: (await staffAccounts(request.core).list()).map(publicAccount) }));

  const change = documented("Change an account's password, role, organisations or language; a new password ends its sessions", one, [400, 409]);
  app.patch('/:username', { schema: { params, body: accountChangeSchema, ...change }, config: { permission: 'manage' } }, async (request) => {
    const account = await staffAccounts(request.core).update(request.params.username, request.body);
    request.log.info({ staff: account.username, by: request.principal!.actor, password: request.body.password ? 'changed' : undefined }, 'staff account changed');
    return { account: publicAccount(account) };
  });

  const remove = documented('Remove an account: its sessions end with it (the last admin stays: 409)', z.null().describe('Removed'), [409], 204);
  app.delete('/:username', { schema: { params, ...remove }, config: { permission: 'manage' } }, async (request, reply) => {
    if (!(await staffAccounts(request.core).remove(request.params.username))) return sendError(reply, 404, `No staff account "${request.params.username}".`);
    request.log.info({ staff: request.params.username, by: request.principal!.actor }, 'staff account removed');
    return reply.code(204).send(null);
  });
};
