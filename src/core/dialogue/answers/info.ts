import { localized } from '../../../knowledge/knowledge.js';
import type { Organisation, Procedure } from '../../../knowledge/schema.js';
import { bullet, isOpen, lines, listOf, nameValues, names, sentences, shortList, type AnswerContext } from '../context.js';
import type { Answer } from '../types.js';
import { askChannel } from './contacts.js';
import { onlineServices } from './procedures.js';
import { statusLine } from './status.js';
import { suggestions } from './suggestions.js';

/** The organisations the conversation is about: its own, or every one the bot covers. */
function inScope(ctx: AnswerContext): Organisation[] {
  const org = ctx.org ?? ctx.k.organisation(ctx.session.organisation);
  return org ? [org] : ctx.k.organisations;
}

function covered(ctx: AnswerContext): Record<string, string> {
  const orgs = inScope(ctx);
  return {
    orgs: listOf(orgs.map((o) => nameValues(ctx.lang, undefined, o).org), ctx.lang),
    orgs_of: listOf(orgs.map((o) => nameValues(ctx.lang, undefined, o).org_of), ctx.lang),
  };
}

export function greeting(ctx: AnswerContext): Answer {
  return { text: ctx.t('greeting', covered(ctx)), quickReplies: suggestions(ctx, ['open_offices', 'certificate', 'phones']) };
}

export function goodbye(ctx: AnswerContext): Answer {
  return { text: ctx.t('goodbye') };
}

/** What the bot can do for the organisations in scope: only the services that exist for them. */
export function help(ctx: AnswerContext): Answer {
  const { k, t, lang } = ctx;
  const orgs = inScope(ctx);
  if (ctx.entities.channel === 'online' && orgs.length === 1) return { text: onlineServices(ctx, orgs[0]), quickReplies: suggestions(ctx, ['phones', 'open_offices']) };
  if (ctx.entities.topic === 'updates') return { text: updates(ctx, orgs), quickReplies: suggestions(ctx, ['open_offices', 'phones']) };
  const procedures = orgs.flatMap((o) => [...k.procedures(o.id, 'certificate'), ...k.procedures(o.id, 'appointment'), ...k.procedures(o.id, 'document_submission'), ...k.procedures(o.id, 'transport_card'), ...k.procedures(o.id, 'health')]);
  const of = (kind: Procedure['kind']) => procedures.filter((p) => p.kind === kind);
  const certificates = [...new Set(of('certificate').map((p) => p.certificate!))].map((c) => t(`certificate.the.${c}`));
  const named = (kind: Procedure['kind']) => listOf(of(kind).map((p) => localized(p.name, lang)), lang);
  const items = [
    t('help.status'),
    t('help.contacts'),
    certificates.length > 0 && t('help.certificates', { list: listOf(certificates, lang) }),
    of('appointment').length > 0 && t('help.appointment'),
    of('document_submission').length > 0 && t('help.documents'),
    of('transport_card').length > 0 && named('transport_card'),
    of('health').length > 0 && named('health'),
    orgs.some((o) => Object.keys(o.incident).length > 0) && t('help.incident'),
  ].filter((s): s is string => !!s);
  return {
    text: lines(t('help.intro', covered(ctx)), ...items.map(bullet), t('help.notify')),
    quickReplies: suggestions(ctx, ['open_offices', 'certificate', 'phones']),
  };
}

/**
 * "Where can I find up-to-date information?": where each organisation in scope publishes it (its
 * official site, or the state of its website and what of it still works), and that the bot tells
 * of status changes here.
 */
function updates(ctx: AnswerContext, orgs: Organisation[]): string {
  const { t, lang } = ctx;
  const where = orgs
    .map((o) => ({ org: localized(o.name, lang), where: localized(o.officialSite, lang) || localized(o.websiteStatus, lang) }))
    .filter((w) => w.where)
    .map((w) => bullet(t('updates.where', w)));
  return lines(where.length > 0 ? t('updates.intro') : t('updates.none'), ...where, t('help.notify'));
}

/** A question inside the question: personal data, the website. */
export function topic(ctx: AnswerContext, id: string): string | undefined {
  const { t, lang } = ctx;
  const org = ctx.org;
  if (id === 'data_safety') {
    const known = org && localized(org.dataSafety, lang);
    if (known) return known;
    const ask = askChannel(ctx, 'data');
    return ask ? t('topic.data_unknown_ask', { ask }) : t('topic.data_unknown');
  }
  if (id === 'website' && org) {
    return localized(org.websiteStatus, lang) || undefined;
  }
  return undefined;
}

/** What happened, where things stand now (from the live status), and any question inside. */
export function incident(ctx: AnswerContext): Answer {
  const { k, t, lang, entities } = ctx;
  const org = ctx.org!;
  if (entities.topic === 'reopening_figures') return reopeningFigures(ctx, org);
  const text = localized(org.incident, lang);
  // "Is the council's website back?": what the knowledge base says of it, else that it says nothing.
  const website = entities.topic === 'website' ? (topic(ctx, 'website') ?? t('topic.website_unknown', names(ctx))) : undefined;
  const offices = k.officesOf(org.id);
  const open = offices.filter((o) => o.status === 'open');
  const closed = offices.filter((o) => !isOpen(o));
  const now =
    offices.length > 1 && open.length > 0
      ? sentences(t('incident.open_now', { offices: shortList(open, lang) }), ...closed.map((o) => statusLine(ctx, o)))
      : ctx.office && ctx.entities.office === ctx.office.id && statusLine(ctx, ctx.office);
  // "Have my data been stolen?": that answer first; the incident in short after it, not the offices' status.
  const data = entities.topic === 'data_safety' ? topic(ctx, 'data_safety') : undefined;
  return {
    text: sentences(data, website, text || t('incident.none', names(ctx)), !data && now),
    quickReplies: suggestions(ctx, ['open_offices', 'phones']),
  };
}

/** "How many procedures could be done on the first day?": the figures the knowledge base has, else that it has none and where to ask. */
function reopeningFigures(ctx: AnswerContext, org: Organisation): Answer {
  const { t, lang } = ctx;
  const figures = localized(org.reopeningFigures, lang);
  const ask = askChannel(ctx, 'figures');
  const none = ask ? t('incident.figures_none_ask', { ...names(ctx), ask }) : t('incident.figures_none', names(ctx));
  return { text: figures || none, quickReplies: suggestions(ctx, ['open_offices', 'certificate']) };
}

/** What the erasure removed; ChatCore does it once this answer is given, and the reply is sent only after. */
export function forgotten(ctx: AnswerContext): Answer {
  return { text: ctx.t('forget.done') };
}

export function changeLanguage(ctx: AnswerContext): Answer {
  const { t, entities } = ctx;
  if (entities.language) return { text: t('language.changed'), quickReplies: suggestions(ctx, ['open_offices', 'help']) };
  return { text: t('language.ask'), quickReplies: ctx.languageChoices(), pending: { intent: 'change_language' } };
}

export function fallback(ctx: AnswerContext): Answer {
  return { text: ctx.t('fallback'), quickReplies: suggestions(ctx, ['open_offices', 'phones', 'certificate', 'help']) };
}
