import { localized } from '../../knowledge/knowledge.js';
import { NEVER_KNOWN } from '../../nlu/acts.js';
import type { Organisation, Procedure, ServiceKind } from '../../knowledge/schema.js';
import { bullet, isOpen, lines, listOf, nameValues, names, quick, sentences, shortList, type AnswerContext } from '../context.js';
import type { Answer } from '../types.js';
import { askChannel, complaint, serviceState, staffContacts } from './contacts.js';
import { onlineServices, proceduresByWay } from './procedures.js';
import { working as workingServices } from './services.js';
import { statusBoard, statusLine } from './status.js';
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
  return { text: ctx.t(ctx.frame.dismissed ? 'dismissed' : 'goodbye') };
}

/** What the bot can do for the organisations in scope: only the services that exist for them. */
export function help(ctx: AnswerContext): Answer {
  const { k, t, lang } = ctx;
  if (ctx.frame.act === 'about_bot') return aboutBot(ctx);
  // "¿Guardáis lo que escribo?", and after it "¿y cuánto tiempo?".
  if (ctx.frame.act === 'about_chat' || ctx.frame.topic === 'conversation') return aboutChat(ctx);
  const orgs = inScope(ctx);
  if (ctx.entities.channel === 'online' && orgs.length === 1) return { text: onlineServices(ctx, orgs[0]), quickReplies: suggestions(ctx, ['phones', 'open_offices']) };
  // "¿Qué trámites puedo hacer en la OMAC?": by the way each is done; an organisation with none (the ATS's are health services) gets the list below.
  const byWay = ctx.entities.topic === 'procedures' && orgs.length === 1 ? proceduresByWay(ctx, orgs[0]) : '';
  if (byWay) return { text: byWay, quickReplies: suggestions(ctx, ['open_offices', 'phones']) };
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
 * official site, or what of its website still works), and that the bot tells of status changes here.
 */
function updates(ctx: AnswerContext, orgs: Organisation[]): string {
  const { t, lang } = ctx;
  const where = orgs
    .map((o) => ({ org: localized(o.name, lang), where: localized(o.officialSite, lang) || working(ctx, o) }))
    .filter((w) => w.where)
    .map((w) => bullet(t('updates.where', w)));
  return lines(where.length > 0 ? t('updates.intro') : t('updates.none'), ...where, t('help.notify'));
}

/** What of the organisation's services still works ('' when none is known to). */
const working = (ctx: AnswerContext, org: Organisation) => workingServices(ctx, org.id);

/** The service a topic is about (the website, the albo pretorio…). */
const SERVICE_OF: Record<string, ServiceKind> = { website: 'website', notice_board: 'notice_board', family_portal: 'family_portal', email_service: 'email', primary_care: 'primary_care' };

/** A question inside the question, or the topic of an incident question: personal data, a service's state. */
export function topic(ctx: AnswerContext, id: string): string | undefined {
  const { k, t } = ctx;
  const org = ctx.org;
  if (id === 'data_safety' || id === 'records') {
    const known = org && localized(org.dataSafety, ctx.lang);
    if (known) return known;
    const ask = askChannel(ctx, 'data');
    return ask ? t('topic.data_unknown_ask', { ask }) : t('topic.data_unknown');
  }
  const kind = SERVICE_OF[id];
  if (!kind || !org) return undefined;
  const service = k.service(org.id, kind);
  if (!service) return kind === 'website' ? t('topic.website_unknown', names(ctx)) : undefined;
  const state = serviceState(ctx, service);
  // The website is down: what still works comes with it.
  return service.status === 'unavailable' ? sentences(state, workingServices(ctx, org.id, service.id)) : state;
}

/** What the facts do not say of an incident ("who is behind it?", "when will it all be back?"): "I don't know" first. */
const UNKNOWN_ACTS = new Set([...NEVER_KNOWN, 'who', 'when']);

/** What happened, where things stand now (from the live status), and any question inside: the question's answer first. */
export function incident(ctx: AnswerContext): Answer {
  const { k, t, lang, entities } = ctx;
  const org = ctx.org!;
  const about = entities.topic;
  if (about === 'reopening_figures') return reopeningFigures(ctx, org);
  const text = localized(org.incident, lang) || t('incident.none', names(ctx));
  // Whether personal data was affected says itself whether it is known ("I don't know whether…"): no second "I don't know".
  const unknown = UNKNOWN_ACTS.has(ctx.frame.act) && about !== 'data_safety' && about !== 'records' && t('answer.unknown');
  // "Have my data been stolen?", "Is the website back?": that answer first ("when will it be back?":
  // that the bot does not know, first); the incident after it, where it is the cause asked about.
  const first = about ? topic(ctx, about) : undefined;
  const cause = about === 'data_safety' || ctx.frame.act === 'why';
  if (first) return { text: sentences(unknown, first), context: cause ? text : undefined, quickReplies: suggestions(ctx, ['open_offices', 'phones']) };
  const offices = k.officesOf(org.id);
  const open = offices.filter((o) => o.status === 'open');
  const closed = offices.filter((o) => !isOpen(o));
  const now =
    offices.length > 1 && open.length > 0
      ? sentences(t('incident.open_now', { offices: shortList(open, lang) }), ...closed.map((o) => statusLine(ctx, o)))
      : sentences(ctx.office && ctx.entities.office === ctx.office.id && statusLine(ctx, ctx.office), working(ctx, org));
  // "And El Altet?": that office first; "is it all shut since the attack?": how the organisation
  // works now (its offices' board) answers it. What happened is their context.
  const office = ctx.frame.followUp && ctx.office && ctx.entities.office === ctx.office.id ? ctx.office : undefined;
  const asksNow = ctx.frame.act === 'yes_no' && !!entities.state && offices.length > 1;
  const lead = office ? statusLine(ctx, office) : asksNow ? statusBoard({ k, t, lang, org }) : undefined;
  if (lead) return { text: lead, context: text, quickReplies: suggestions(ctx, ['open_offices', 'phones']) };
  return {
    text: sentences(unknown, text),
    context: now || undefined,
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

/**
 * "Delete my data": an unmistakable command (or /forget) erases at once; anything less asks first
 * ("Do you want me to delete this conversation and your notices?"), and a yes erases, a no keeps.
 * ChatCore erases; the reply goes out only once it is done.
 */
export function forget(ctx: AnswerContext): Answer {
  const { t, session, entities, frame } = ctx;
  const asked = session.pending?.intent === 'forget_data' && session.pending.confirm;
  if (asked && entities.answer === 'no') return { text: t('forget.kept'), quickReplies: suggestions(ctx, ['open_offices', 'help']) };
  // Only a yes that asks nothing else and names no office or service erases: "ok, and when does El Altet open?" does not.
  const plainYes = entities.answer === 'yes' && frame.act === 'statement' && !entities.office && !entities.certificate && !entities.health;
  if ((asked && plainYes) || frame.command) return { text: t('forget.done'), erase: true };
  // "Borrad mi historial médico": not this bot's to erase; whose it is and how to reach them, then the question.
  const org = ctx.org ?? ctx.k.organisation(session.organisation);
  const elsewhere = !asked && frame.records ? lines(sentences(t(org ? 'forget.records' : 'forget.records_anywhere', nameValues(ctx.lang, undefined, org)), org && staffContacts(ctx, org))) : '';
  // A wish ("uf, no tendría que haber puesto mi DNI", "¿guardáis lo que escribo? no quiero que quede") hears first what is kept.
  const before = elsewhere || (frame.eraseWish && !asked ? keptOfChat(ctx) : '');
  return {
    text: before ? lines(before, t('forget.confirm')) : t('forget.confirm'),
    quickReplies: [quick(t('forget.yes')), quick(t('forget.no'))],
    pending: { intent: 'forget_data', confirm: true },
  };
}

export function changeLanguage(ctx: AnswerContext): Answer {
  const { t, entities } = ctx;
  if (entities.language) return { text: t('language.changed'), quickReplies: suggestions(ctx, ['open_offices', 'help']) };
  return { text: t('language.ask'), quickReplies: ctx.languageChoices(), pending: { intent: 'change_language' } };
}

/** "Are you a robot?": honestly, an automatic assistant; and how to reach a person. */
function aboutBot(ctx: AnswerContext): Answer {
  const org = ctx.org ?? ctx.k.organisation(ctx.session.organisation);
  return { text: ctx.t('about_bot', covered(ctx)), next: org ? staffContacts(ctx, org) : undefined, quickReplies: suggestions(ctx, ['open_offices', 'help']) };
}

/**
 * "¿Guardáis lo que escribo?", "vem läser chatten?": what the bot keeps of the chat and for how
 * long, and that it deletes it when asked. It deletes nothing and asks nothing: a question is no wish.
 */
function aboutChat(ctx: AnswerContext): Answer {
  return { text: sentences(keptOfChat(ctx), ctx.t('about_chat.delete')), quickReplies: suggestions(ctx, ['open_offices', 'help']) };
}

/** What the bot keeps of the chat, and for how long. */
function keptOfChat(ctx: AnswerContext): string {
  const { t } = ctx;
  return sentences(ctx.keepMinutes ? t('about_chat.kept', { count: ctx.keepMinutes }) : t('about_chat.kept_plain'), t('about_chat.unanswered'));
}

/**
 * Something the bot cannot help with, or a message it could not read at all (then it says it did
 * not understand): what it can do. A complaint: an apology and the contacts.
 */
export function fallback(ctx: AnswerContext): Answer {
  if (ctx.frame.complaint) return complaint(ctx);
  const unclear = ctx.frame.gibberish;
  return { text: ctx.t(unclear ? 'fallback_unclear' : 'fallback'), quickReplies: suggestions(ctx, ['open_offices', 'phones', 'certificate', 'help']) };
}
