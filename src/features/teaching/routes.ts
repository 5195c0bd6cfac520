import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import yaml from 'js-yaml';
import { z } from 'zod';
import { langSchema } from '../../knowledge/schema.js';
import { normalize } from '../../nlu/normalize.js';
import { redact } from '../../privacy/redact.js';
import { reviewList } from './review.js';
import { ADMIN_ONLY_INTENTS, type Lesson } from './teaching.js';
import { inScope, type Principal } from '../staff/roles.js';
import { DAY_MS, type TaughtExample } from '../../storage/index.js';
import { sendError } from '../../http/errors.js';
import { documented } from '../../http/openapi.js';
import { chars } from '../../http/schemas.js';
import { statsRange } from '../insights/stats-range.js';
import type { Config } from '../../config.js';
import type { Knowledge } from '../../knowledge/knowledge.js';
import type { NluService } from '../../nlu/index.js';
import type { Stats } from '../insights/stats.js';
import type { Teaching } from './teaching.js';
import type { Texts } from '../../shared/i18n.js';
import type { CorePort } from '../../http/require-core.js';

declare module '../../http/require-core.js' {
  /** What these routes read of the bot. */
  interface CorePort {
    readonly config: Config;
    readonly knowledge: Knowledge;
    readonly nlu: NluService;
    readonly stats: Stats;
    readonly teaching: Teaching;
    readonly texts: Texts;
  }
}

const guess = z.object({ intent: z.string(), confidence: z.number() });
const reviewItem = z.object({
  id: z.string(),
  text: z.string().describe('The latest wording, personal data redacted as in the statistics'),
  lang: z.string(),
  count: z.number(),
  channels: z.array(z.string()),
  orgs: z.array(z.string()),
  lastSeen: z.string(),
  intent: z.string().describe('How the bot read it the last time (out_of_scope below the confidence threshold)'),
  confidence: z.number(),
  guesses: z.array(guess).describe("The bot's best guesses, most probable first"),
});
const example = z.object({
  id: z.string(),
  text: z.string(),
  lang: z.string(),
  intent: z.string(),
  by: z.string(),
  at: z.string(),
  org: z.string().optional(),
  review: z.string().optional(),
});
const nluStatus = z
  .object({
    version: z.string().describe('The serving model: a fingerprint of intents/, the training choices and the overlay ("intents" before any retraining)'),
    overlayVersion: z.number(),
    trainedAt: z.string(),
    examples: z.number().describe('Training examples, taught ones included'),
    taught: z.number(),
    fromCache: z.boolean(),
    trainingMs: z.number(),
    validationAccuracy: z.number().optional(),
    training: z.boolean().describe('Whether a retraining is under way'),
    intents: z.array(z.string()).describe('The intents the caller may teach (forget_data and unsubscribe_updates: admins only)'),
    lastRefusal: z.looseObject({ at: z.string(), accuracyBefore: z.number(), accuracyAfter: z.number(), org: z.string().optional() }).optional(),
    organisations: z
      .array(z.object({ org: z.string(), version: z.string(), taught: z.number(), trainedAt: z.string() }))
      .describe("The caller's organisations with examples of their own: each has a model of its own, which reads its conversations only"),
  })
  .describe('The serving model: with one organisation, the one its conversations use; else the shared one (conversations without an organisation, and organisations without examples of their own)');
const taught = z.object({ example, model: nluStatus }).describe('Taught: the model that serves now knows it');
const ids = z.object({ id: z.string().regex(/^[a-z0-9-]{1,64}$/, 'an id') });
const teachBody = z.strictObject({ intent: z.string().regex(/^[a-z_]{1,64}$/, 'an intent id, out_of_scope or dismiss') });
const addBody = z.strictObject({
  text: chars(1, 200),
  lang: langSchema,
  intent: z.string().regex(/^[a-z_]{1,64}$/, 'an intent id or out_of_scope'),
  org: z.string().regex(/^[a-z0-9-]{1,100}$/).optional().describe('The organisation it is taught for (who may undo it); staff of one organisation: theirs'),
});

const mayUndo = (p: Principal, e: TaughtExample) => p.orgs === 'all' || (!!e.org && inScope(p, e.org));
const mayTeach = (p: Principal, intent: string) => p.role === 'admin' || !ADMIN_ONLY_INTENTS.has(intent);
const status = (core: CorePort, p: Principal) => ({ ...core.teaching.status(p.orgs), intents: core.nlu.intents.filter((i) => mayTeach(p, i)) });

/** Teaches and answers: 201 with the model, 200 when it was known, 403 an intent only admins teach, 409 a contradiction, 422 a refusal. */
async function teach(core: CorePort, principal: Principal, reply: FastifyReply, lesson: Lesson) {
  if (!core.nlu.intents.includes(lesson.intent)) return sendError(reply, 400, `body/intent: no intent "${lesson.intent}"; the intents are ${core.nlu.intents.join(', ')}.`);
  if (!mayTeach(principal, lesson.intent)) return sendError(reply, 403, `Only an admin may teach ${lesson.intent}: a message read as it ${lesson.intent === 'forget_data' ? 'erases the conversation' : 'ends its notices'}.`);
  const out = await core.teaching.teach(lesson);
  if ('contradicts' in out) {
    const { contradicts } = out;
    return sendError(reply, 409, `"${lesson.text}" is already an example of ${contradicts.intent} (${contradicts.source}); refused as ${lesson.intent}.`, {
      example: { text: lesson.text, lang: lesson.lang, intent: lesson.intent },
      contradicts,
    });
  }
  if ('refused' in out) {
    const pairs = out.refused.confused.map((c) => `${c.expected} read as ${c.got} (${c.count})`).join(', ');
    const model = out.refused.org ? `the model of ${out.refused.org}` : 'the shared model';
    return sendError(reply, 422, `Refused: trained with it, ${model} reads validation messages wrong that it read right (${pairs}; ${(out.refused.accuracyAfter * 100).toFixed(1)}% instead of ${(out.refused.accuracyBefore * 100).toFixed(1)}%). The models that served stay.`, {
      refusal: out.refused,
    });
  }
  return reply.code(out.existing ? 200 : 201).send({ example: out.added, model: status(core, principal) });
}

/** The review list, teaching, the overlay and the NLU's status (under /api/admin). */
export const teachingRoutes: FastifyPluginAsyncZod = async (app) => {
  const list = documented(
    'The messages the bot did not understand or was unsure of, redacted, grouped by language and normalised text, most frequent first; staff of some organisations see theirs only',
    z.object({ items: z.array(reviewItem) }).describe('Not yet taught or dismissed'),
    [400],
  );
  app.get('/review', { schema: { querystring: statsRange, ...list }, config: { permission: 'teach' } }, async (request) => {
    const { from, to, untilToday } = request.query;
    const orgs = request.principal!.orgs;
    return { items: await reviewList(request.core.stats, { from, to, untilToday }, orgs === 'all' ? undefined : orgs, await request.core.teaching.settled()) };
  });

  const decide = documented(
    "Teach what a reviewed message meant (an intent id or out_of_scope; its redacted text becomes an example in its language, for the message's organisation: only that organisation's conversations read it), or dismiss it for the caller's organisations",
    taught,
    [400, 409, 422],
    201,
  );
  const knownOrDismissed = z
    .object({ dismissed: z.string().optional().describe('The group dismissed'), example: example.optional(), model: nluStatus.optional() })
    .describe('Dismissed, or taught before (the example and the model)');
  app.post('/review/:id', { schema: { params: ids, body: teachBody, ...decide, response: { ...decide.response, 200: knownOrDismissed } }, config: { permission: 'teach' } }, async (request, reply) => {
    const { core, principal } = request;
    // Looked up again (within the days the texts are kept): the id names a group the caller may see.
    const today = new Date();
    const from = new Date(today.getTime() - (core.config.STATS_TEXT_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
    const items = await reviewList(core.stats, { from, to: today.toISOString().slice(0, 10), untilToday: true }, principal!.orgs === 'all' ? undefined : principal!.orgs, () => false);
    const item = items.find((i) => i.id === request.params.id);
    if (!item) return sendError(reply, 404, `No message "${request.params.id}" in the review list of your organisations.`);
    if (request.body.intent === 'dismiss') {
      // For the caller's organisations only: another organisation's staff still see it.
      await core.teaching.dismiss(item.id, item.orgs.filter((o) => inScope(principal!, o)));
      return reply.code(200).send({ dismissed: item.id });
    }
    const org = item.orgs.find((o) => inScope(principal!, o));
    return teach(core, principal!, reply, { text: item.text, lang: item.lang, intent: request.body.intent, by: principal!.actor, review: item.id, ...(org ? { org } : {}) });
  });

  const add = documented(
    "Add a training example directly: it is redacted, checked against the others and the validation set, and served once the model is retrained; taught for an organisation, only that organisation's conversations read it",
    taught,
    [400, 409, 422],
    201,
  );
  app.post('/examples', { schema: { body: addBody, ...add, response: { ...add.response, 200: taught } }, config: { permission: 'teach' } }, async (request, reply) => {
    const { core, principal } = request;
    const { lang, intent } = request.body;
    if (!core.texts.langs.includes(lang)) return sendError(reply, 400, `body/lang: no language ${lang} here; the bot speaks ${core.texts.langs.join(', ')}.`);
    const text = redact(request.body.text.trim(), 200);
    if (!normalize(text)) return sendError(reply, 400, 'body/text: an example needs letters or digits.');
    const own = principal!.orgs === 'all' ? undefined : principal!.orgs;
    const org = request.body.org ?? (own?.length === 1 ? own[0] : undefined);
    if (org && !core.knowledge.organisation(org)) return sendError(reply, 400, `body/org: no organisation "${org}".`);
    if (own && !org) return sendError(reply, 400, `body/org: name one of your organisations (${own.join(', ')}).`);
    if (org && !inScope(principal!, org)) return sendError(reply, 403, `"${org}" is not one of your organisations.`);
    return teach(core, principal!, reply, { text, lang, intent, by: principal!.actor, ...(org ? { org } : {}) });
  });

  const examples = documented('The taught examples of my organisations, oldest first', z.object({ examples: z.array(example) }).describe('The overlay'));
  app.get('/examples', { schema: examples, config: { permission: 'teach' } }, async (request) => ({
    examples: (await request.core.teaching.list()).filter((e) => mayUndo(request.principal!, e)),
  }));

  const undo = documented('Undo a taught example: the model is retrained without it', z.object({ removed: example, model: nluStatus }).describe('Removed'));
  app.delete('/examples/:id', { schema: { params: ids, ...undo }, config: { permission: 'teach' } }, async (request, reply) => {
    const { core, principal } = request;
    const found = (await core.teaching.list()).find((e) => e.id === request.params.id);
    if (!found) return sendError(reply, 404, `No taught example "${request.params.id}".`);
    if (!mayUndo(principal!, found)) return sendError(reply, 403, 'This example was taught for another organisation.');
    const removed = await core.teaching.forget(found.id);
    if (!removed) return sendError(reply, 404, `No taught example "${request.params.id}".`);
    return { removed, model: status(core, principal!) };
  });

  const exported = documented(
    'The overlay as additions to intents/<intent>.yaml (each an intent file of the taught examples only), for the IT team to commit (admins)',
    z.object({ files: z.array(z.object({ path: z.string(), yaml: z.string(), examples: z.number() })) }).describe('One file per intent taught'),
  );
  app.get('/examples/export', { schema: exported, config: { permission: 'manage' } }, async (request) => {
    const byIntent = new Map<string, Record<string, string[]>>();
    for (const e of await request.core.teaching.list()) {
      const langs = byIntent.get(e.intent) ?? {};
      (langs[e.lang] ??= []).push(e.text);
      byIntent.set(e.intent, langs);
    }
    const files = [...byIntent].sort(([a], [b]) => a.localeCompare(b)).map(([intent, examples]) => ({
      path: `intents/${intent}.yaml`,
      yaml: yaml.dump({ intent, examples }, { lineWidth: -1 }),
      examples: Object.values(examples).flat().length,
    }));
    return { files };
  });

  const nlu = documented('Which model serves (version, when trained, how many examples, how many taught) and whether a retraining is under way', nluStatus);
  app.get('/nlu', { schema: nlu, config: { permission: 'insights' } }, async (request) => status(request.core, request.principal!));
};
