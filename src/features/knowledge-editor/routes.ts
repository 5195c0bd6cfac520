import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { langSchema } from '../../knowledge/schema.js';
import { diffKnowledge } from '../../knowledge/diff.js';
import { sectionOf, sectionReply, sectionSchema, withSection } from '../../knowledge/sections.js';
import type { Outcome, Refused } from './versions.js';
import { previewAnswers, previewQuestions } from './preview.js';
import { inScope, type Principal } from '../staff/roles.js';
import { WHOLE, type VersionSummary } from '../../storage/index.js';
import { sendError } from '../../http/errors.js';
import { documented } from '../../http/openapi.js';
import { newestFirst, nextPage, pageQuery } from '../../http/paging.js';
import { chars } from '../../http/schemas.js';
import type { Config } from '../../config.js';
import type { Knowledge } from '../../knowledge/knowledge.js';
import type { Texts } from '../../shared/i18n.js';
import type { KnowledgeVersions } from './versions.js';

import type { Lang } from '../../shared/languages.js';

declare module '../../http/require-core.js' {
  /** What these routes read of the bot. */
  interface CorePort {
    readonly config: Config;
    readonly knowledge: Knowledge;
    readonly texts: Texts;
    readonly versions: KnowledgeVersions;
    /** What the bot would answer a first message on another knowledge (a draft's), keeping nothing. */
    answerOn(knowledge: Knowledge, text: string, lang: Lang, org?: string): Promise<string>;
  }
}

const ORG = /^[a-z0-9-]{1,100}$/;
const orgParams = z.object({ org: z.string().regex(ORG, 'an organisation id') });
const scopeParams = z.object({ scope: z.string().regex(/^([a-z0-9-]{1,100}|_all)$/, `an organisation id, or ${WHOLE} (a whole import)`) });
const versionParams = z.object({ n: z.coerce.number().int().min(1).max(1e9) });

const versionReply = z
  .object({
    n: z.number(),
    at: z.string(),
    by: z.string().describe('Who published it: a username, api-token, cli:<user> (an import), knowledge/ (the files, kept as version 1)'),
    action: z.enum(['seed', 'publish', 'rollback', 'import']),
    orgs: z.array(z.string()).describe('The organisations whose facts it changed'),
    restores: z.number().optional().describe('A rollback: the version whose facts it brought back'),
  })
  .describe('A published version (its facts are not listed)');
const draftReply = z.object({
  scope: z.string().describe(`An organisation's id, or ${WHOLE}: a whole knowledge base imported as a draft`),
  revision: z.number().describe('Send it back with the next save or the publication: a draft changed meanwhile is not overwritten or published unseen'),
  basedOn: z.number().describe('The version it was started from (0: the files of knowledge/)'),
  by: z.string(),
  at: z.string(),
});
const fieldChange = z.object({ field: z.string().describe('contacts.0.value, hours.ca, …'), before: z.string(), after: z.string() });
const changes = z
  .array(z.object({ kind: z.enum(['organisation', 'office', 'service', 'procedure']), id: z.string(), org: z.string(), change: z.enum(['added', 'removed', 'changed']), fields: z.array(fieldChange) }))
  .describe('What changed, entry by entry and field by field, in words');
const logEntry = z.object({
  at: z.string(),
  actor: z.string(),
  action: z.enum(['draft', 'discard', 'publish', 'rollback', 'import', 'seed']),
  scope: z.string(),
  version: z.number().optional(),
});
/** The largest draft a save takes (the API's other bodies: 64 KiB). */
const DRAFT_BYTES = 1024 * 1024;
const problemsNote = 'With `problems`: [{path, reason}] per field (`offices.0.phone`), nothing saved';

const saveBody = z.strictObject({
  revision: z.number().int().min(0).describe("The draft's revision this change was made on (0: there was none)"),
  section: sectionSchema.describe("The organisation's facts as they are to be: the organisation, its offices, services and procedures"),
});
const publishBody = z.strictObject({ revision: z.number().int().min(1).describe('The revision previewed: a draft changed since is not published') });
const previewBody = z.strictObject({
  langs: z.array(langSchema).min(1).max(10).optional().describe('The languages asked in (default: all); each with the questions of its console texts'),
  questions: z
    .array(z.strictObject({ lang: langSchema, text: chars(1, 300) }))
    .min(1)
    .max(30)
    .optional()
    .describe('Questions of your own instead'),
});
const rollbackBody = z.strictObject({ org: z.string().regex(ORG).optional().describe("The organisation whose facts come back (required for staff of some organisations); none: every organisation's (admins)") });

const REFUSED: Record<Refused, [number, string]> = {
  'no-draft': [404, 'There is no draft to publish.'],
  unknown: [404, 'No such version, or it has no facts of that organisation.'],
  'draft-changed': [409, 'The draft was changed since you read it: read it again, then save or publish.'],
  conflict: [409, "These facts were published by someone else since the draft was started: read the published facts, then make the change again."],
  unchanged: [409, 'Nothing to publish: these are the facts in service already.'],
};

/** A refusal or problems as the API answers them; the result otherwise. */
function answer<T extends object>(reply: FastifyReply, outcome: Outcome<T>): T | FastifyReply {
  if ('problems' in outcome) return sendError(reply, 400, `Not saved: ${outcome.problems.map((p) => `${p.path}: ${p.reason}`).join('; ')}`, { problems: outcome.problems });
  if ('refused' in outcome) {
    const [code, message] = REFUSED[outcome.refused];
    return sendError(reply, code, message, { reason: outcome.refused });
  }
  return outcome;
}

const mayAll = (p: Principal) => p.orgs === 'all';
const mine = (p: Principal) => (p.orgs === 'all' ? 'all' : p.orgs);

/** The scope a request names, when it exists and the caller may touch it; else the refusal is sent. */
function scoped(request: FastifyRequest & { principal?: Principal }, reply: FastifyReply, scope: string): boolean {
  if (scope === WHOLE) {
    if (mayAll(request.principal!)) return true;
    return !sendError(reply, 403, 'A draft of every organisation is for admins.');
  }
  if (!request.core.knowledge.organisation(scope)) return !sendError(reply, 404, `No organisation "${scope}".`);
  if (!inScope(request.principal!, scope)) return !sendError(reply, 403, `"${scope}" is not one of your organisations: nothing was changed.`);
  return true;
}

/**
 * /api/admin/knowledge: the facts the bot gives, kept by staff in versions (README, "Editing the
 * knowledge from the console"): an organisation's facts, its draft (saved only once every check
 * passes), a preview of the bot's answers with the draft, publication, history with readable
 * differences, rollback, and the log of it all. Editors act on their organisations only.
 */
export const knowledgeRoutes: FastifyPluginAsyncZod = async (app) => {
  const config = { permission: 'knowledge' as const };

  const overview = documented(
    'Which version serves, the organisations I keep and their drafts',
    z.object({
      serving: z.number().describe('The version this instance serves (0: the files of knowledge/)'),
      latest: versionReply.optional().describe('The newest published version'),
      organisations: z.array(z.string()).describe('The organisations whose facts I may change'),
      drafts: z.array(draftReply),
    }).describe('The knowledge in service and the drafts I may see'),
  );
  app.get('', { schema: overview, config }, async (request) => {
    const { knowledge, versions } = request.core;
    const p = request.principal!;
    const n = await versions.history.size();
    const [latest] = n ? await versions.history.range(n - 1, n) : [];
    const drafts = (await versions.drafts()).filter((d) => (d.scope === WHOLE ? mayAll(p) : inScope(p, d.scope)));
    return { serving: versions.serving, ...(latest ? { latest } : {}), organisations: knowledge.organisations.map((o) => o.id).filter((id) => inScope(p, id)), drafts };
  });

  const published = documented("An organisation's facts as published (the version in the store)", z.object({ version: z.number(), section: sectionReply }).describe('The facts as they serve'), [404]);
  app.get('/orgs/:org', { schema: { params: orgParams, ...published }, config }, async (request, reply) => {
    if (!scoped(request, reply, request.params.org)) return reply;
    const { n, kb } = await request.core.versions.current();
    const section = sectionOf(kb, request.params.org);
    if (!section) return sendError(reply, 404, `No organisation "${request.params.org}".`);
    return { version: n, section };
  });

  const draftView = documented(
    "A draft: an organisation's facts as staff left them (`section`), what it changes from what serves, and whether its facts were published over since it was started (`stale`: it can then not be published)",
    z.object({ draft: draftReply.extend({ stale: z.boolean(), section: sectionReply.optional(), changes }) }).describe('The draft'),
    [404],
  );
  app.get('/drafts/:scope', { schema: { params: scopeParams, ...draftView }, config }, async (request, reply) => {
    const { scope } = request.params;
    if (!scoped(request, reply, scope)) return reply;
    const { versions } = request.core;
    const draft = await versions.draft(scope);
    if (!draft) return sendError(reply, 404, 'There is no draft.');
    const { kb: facts, ...rest } = draft;
    const { kb } = await versions.current();
    const next = scope === WHOLE ? facts : withSection(kb, scope, sectionOf(facts, scope)!);
    const section = scope === WHOLE ? undefined : sectionOf(facts, scope);
    return { draft: { ...rest, ...(section ? { section } : {}), changes: diffKnowledge(kb, next, scope === WHOLE ? undefined : [scope]) } };
  });

  const save = documented(
    `Keep an organisation's facts as its draft, once they pass every check (the schema of knowledge/, phone numbers, emails, web addresses, names in the organisation's language, references): nothing serves until it is published. 400: ${problemsNote}. 409: the draft changed meanwhile`,
    z.object({ draft: draftReply }).describe('Kept as a draft: it does not serve yet'),
    [400, 409],
  );
  // An organisation's facts are larger than a chat message (the sample's largest, Elche's, ~11 KB): room for a council of many offices.
  app.put('/drafts/:scope', { schema: { params: scopeParams, body: saveBody, ...save }, attachValidation: true, bodyLimit: DRAFT_BYTES, config }, async (request, reply) => {
    const org = request.params.scope;
    if (org === WHOLE) return sendError(reply, 400, `params/scope: a draft of every organisation comes from \`npm run admin -- knowledge import DIR --draft\`; save an organisation's here.`);
    if (!scoped(request, reply, org)) return reply;
    if (request.validationError) {
      // Every problem at once, the schema's first, field by field as the other checks give theirs.
      const sent = request.body as { revision?: unknown; section?: unknown } | undefined;
      if (typeof sent?.revision !== 'number' || !sent.section || typeof sent.section !== 'object') return sendError(reply, 400, request.validationError.message);
      return answer(reply, { problems: await request.core.versions.problemsOf(org, sent.section) });
    }
    const out = await request.core.versions.saveDraft(org, request.body.section, request.body.revision, request.principal!.actor);
    if (!('draft' in out)) return answer(reply, out);
    const { kb: _kb, ...draft } = out.draft;
    return { draft };
  });

  const discard = documented('Discard a draft (audited)', z.object({ discarded: z.literal(true) }).describe('Discarded'), [404]);
  app.delete('/drafts/:scope', { schema: { params: scopeParams, ...discard }, config }, async (request, reply) => {
    if (!scoped(request, reply, request.params.scope)) return reply;
    if (!(await request.core.versions.discard(request.params.scope, request.principal!.actor))) return sendError(reply, 404, 'There is no draft.');
    return { discarded: true as const };
  });

  const preview = documented(
    'What the bot would answer, with the facts in service (`now`) and with the draft (`after`), to the questions citizens ask most, in each language: the real dialogue on a copy of the knowledge, nothing is saved or served',
    z.object({ answers: z.array(z.object({ lang: z.string(), question: z.string(), now: z.string(), after: z.string() })) }).describe('Nothing was saved or served'),
    [400, 404],
  );
  app.post('/drafts/:scope/preview', { schema: { params: scopeParams, body: previewBody, ...preview }, config }, async (request, reply) => {
    const { scope } = request.params;
    if (!scoped(request, reply, scope)) return reply;
    const core = request.core;
    const { langs = core.texts.langs, questions } = request.body;
    const unknown = [...langs, ...(questions ?? []).map((q) => q.lang)].filter((l) => !core.texts.langs.includes(l));
    if (unknown.length) return sendError(reply, 400, `body: no language ${[...new Set(unknown)].join(', ')} here; the bot speaks ${core.texts.langs.join(', ')}.`);
    const draft = await core.versions.draft(scope);
    if (!draft) return sendError(reply, 404, 'There is no draft.');
    const served = core.knowledge.base;
    const after = core.knowledge.withBase(scope === WHOLE ? draft.kb : withSection(served, scope, sectionOf(draft.kb, scope)!));
    const asked = questions ?? langs.flatMap((lang) => previewQuestions(core.config.LOCALES_DIR, lang).map((text) => ({ lang, text })));
    return { answers: await previewAnswers((k, text, lang, org) => core.answerOn(k, text, lang, org), core.knowledge, after, asked, scope === WHOLE ? undefined : scope) };
  });

  const publish = documented(
    `Publish a draft as the next version: it serves at once on every instance sharing the store, the draft goes, the log records it. 409 (\`reason\`): the draft changed since the preview, its facts were published over meanwhile, or it changes nothing. 400: ${problemsNote}`,
    z.object({ version: versionReply }).describe('Published: it serves'),
    [400, 404, 409],
  );
  app.post('/drafts/:scope/publish', { schema: { params: scopeParams, body: publishBody, ...publish }, config }, async (request, reply) => {
    if (!scoped(request, reply, request.params.scope)) return reply;
    return answer(reply, await request.core.versions.publish(request.params.scope, request.body.revision, request.principal!.actor));
  });

  const list = documented(
    'The published versions, newest first, `limit` at a time: for staff of some organisations, those that changed them (and version 1, the files)',
    z.object({ versions: z.array(versionReply), next: nextPage }).describe('The page, newest first'),
    [400],
  );
  app.get('/versions', { schema: { querystring: pageQuery, ...list }, config }, async (request) => {
    const p = request.principal!;
    const keep = (v: VersionSummary) => v.action === 'seed' || v.orgs.some((o) => inScope(p, o));
    const page = await newestFirst(request.core.versions.history, keep, request.query.limit, request.query.before);
    return { versions: page.items, ...(page.next !== undefined ? { next: page.next } : {}) };
  });

  const one = documented('A version and what it changed from the one before, in my organisations', z.object({ version: versionReply, changes }).describe('The version and its changes'), [404]);
  app.get('/versions/:n', { schema: { params: versionParams, ...one }, config }, async (request, reply) => {
    const found = await request.core.versions.diff(request.params.n, mine(request.principal!));
    if (!found) return sendError(reply, 404, `No version ${request.params.n}.`);
    return found;
  });

  const rollback = documented(
    "Bring back the facts of a version: an organisation's (`org`), or every one (admins). It is published as a new version, at once, and logged; 409 when nothing would change",
    z.object({ version: versionReply }).describe('The facts of that version serve again, as a new version'),
    [400, 404, 409],
  );
  app.post('/versions/:n/rollback', { schema: { params: versionParams, body: rollbackBody, ...rollback }, config }, async (request, reply) => {
    const { org } = request.body;
    if (org ? !scoped(request, reply, org) : !scoped(request, reply, WHOLE)) return reply;
    return answer(reply, await request.core.versions.rollback(request.params.n, org, request.principal!.actor));
  });

  const log = documented(
    'Who did what with the facts, newest first, `limit` at a time: drafts saved and discarded, publications, rollbacks, imports (of my organisations)',
    z.object({ entries: z.array(logEntry), next: nextPage }).describe('The page, newest first'),
    [400],
  );
  app.get('/log', { schema: { querystring: pageQuery, ...log }, config }, async (request) => {
    const p = request.principal!;
    const page = await newestFirst(request.core.versions.log, (e) => (e.scope === WHOLE ? mayAll(p) : inScope(p, e.scope)), request.query.limit, request.query.before);
    return { entries: page.items, ...(page.next !== undefined ? { next: page.next } : {}) };
  });
};
