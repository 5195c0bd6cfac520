import { localized } from '../../../knowledge/knowledge.js';
import type { Office, Organisation, Procedure } from '../../../knowledge/schema.js';
import { bullet, capitalize, isOpen, lines, listOf, nameValues, names, sentences, shortList, type AnswerContext } from '../context.js';
import type { Answer } from '../types.js';
import { suggestions } from './suggestions.js';
import { askChannel, inPerson } from './contacts.js';

/** "el certificado de empadronamiento", "la tarjeta Bus Lliure (…)": what a procedure gets the citizen. */
function what(ctx: AnswerContext, p: Procedure): string {
  return p.certificate ? ctx.t(`certificate.the.${p.certificate}`) : localized(p.name, ctx.lang);
}

/** "Si tiene dudas, el Ayuntamiento también atiende por teléfono, aunque no tengo el número." */
function phoneHelp(ctx: AnswerContext, org: Organisation): string | undefined {
  if (!org.phoneAssistance) return undefined;
  const phone = org.contacts.find((c) => c.type === 'phone' || c.type === 'switchboard');
  const n = nameValues(ctx.lang, undefined, org);
  return phone ? ctx.t('how.phone_help', { ...n, number: phone.value }) : ctx.t('how.phone_help_no_number', n);
}

/**
 * How a procedure is done, a sentence per channel: online (where), in person (at which open
 * offices, and which of them are still closed), or by appointment (where). `verb` picks the
 * templates: `how` ("X se solicita …") or `submit` ("Puede presentar … ").
 */
export function howTo(ctx: AnswerContext, p: Procedure, verb: 'how' | 'submit' = 'how', withPhoneHelp = true): string {
  const { k, t, lang } = ctx;
  const org = k.organisation(p.organisation)!;
  const thing = what(ctx, p);
  const values = { ...nameValues(lang, undefined, org), what: thing, What: capitalize(thing) };
  const parts = p.channels.map((channel, i) => {
    const key = `${verb}.${channel}${i > 0 ? '_also' : ''}`;
    if (channel === 'online') return t(key, { ...values, online: localized(org.online, lang) });
    const offices = p.offices.map((id) => k.office(id)).filter((o): o is Office => !!o);
    const open = offices.filter(isOpen);
    if (channel === 'appointment') return t(key, { ...values, ...nameValues(lang, offices[0], org) });
    if (open.length === 0) return t(`${verb}.in_person_none`, values);
    const closed = offices.filter((o) => !isOpen(o)).map((o) => t('how.still_closed', nameValues(lang, o, org)));
    const anyOpen = org.anyOpenOffice[lang];
    const list = anyOpen ? t(key, { ...values, any_open: anyOpen, offices: shortList(open, lang, 'disjunction') }) : '';
    return sentences(list, ...closed);
  });
  return sentences(
    ...parts,
    withPhoneHelp && p.channels.includes('online') && phoneHelp(ctx, org),
    localized(p.notes, lang),
    ...(p.steps[lang] ?? []),
    ...(p.requirements[lang] ?? []),
    ...p.links,
  );
}

/**
 * "Can I do it online / by phone / in person?": yes or no first, then how it is done. Phone help
 * informs and files nothing: a procedure is never said to be done by phone.
 */
function channelAnswer(ctx: AnswerContext, procedures: Procedure[]): string | undefined {
  const asked = ctx.entities.channel;
  if (!asked) return undefined;
  // Without an appointment: in person at an open office, or online.
  const serves = (c: string) => c === asked || (asked === 'in_person' && c === 'appointment') || (asked === 'walk_in' && (c === 'in_person' || c === 'online'));
  const offered = procedures.some((p) => p.channels.some(serves));
  return ctx.t(offered ? 'channel_answer.yes' : `channel_answer.no_${asked}`);
}

/** What the organisation offers instead, when it does not do what was asked. */
function offersInstead(ctx: AnswerContext, org: Organisation, kind: Procedure['kind']): string {
  const { k, t, lang } = ctx;
  const others = k.procedures(org.id, kind).map((p) => what(ctx, p));
  return others.length > 0 ? t('procedure.offers', { ...nameValues(lang, undefined, org), list: listOf(others, lang) }) : '';
}

/**
 * "I want to deregister from the padrón": the bot has no such procedure, so it says so and where
 * to ask: the official channel, then the council's staff (at its open offices, or by phone). How
 * the padrón certificate is got is another question, which the citizen did not ask.
 */
function deregistration(ctx: AnswerContext): string {
  const { k, t, lang } = ctx;
  const org = ctx.org!;
  const ask = askChannel(ctx, 'deregistration');
  const staff =
    inPerson(ctx, org, k.officesOf(org.id).filter((o) => o.status === 'open')) ??
    (org.phoneAssistance && t('contact.phone_help_no_number', nameValues(lang, undefined, org)));
  return sentences(
    ask ? t('certificate.deregistration_ask', { ...names(ctx), ask }) : t('certificate.deregistration', names(ctx)),
    staff && t('certificate.deregistration_padron'),
    staff,
  );
}

export function certificate(ctx: AnswerContext): Answer {
  const { k, t } = ctx;
  const org = ctx.org!;
  const all = k.procedures(org.id, 'certificate');
  const quickReplies = suggestions(ctx, ['phones', 'open_offices']);
  if (ctx.entities.topic === 'deregistration') return { text: deregistration(ctx), quickReplies };
  if (ctx.certificate) {
    const wanted = all.find((p) => p.certificate === ctx.certificate);
    if (wanted) return { text: sentences(channelAnswer(ctx, [wanted]), howTo(ctx, wanted)), quickReplies };
    const n = { ...names(ctx), what: t(`certificate.the.${ctx.certificate}`) };
    return { text: sentences(t('certificate.none', n), offersInstead(ctx, org, 'certificate')), quickReplies };
  }
  if (all.length === 0) return { text: t('procedure.none', names(ctx)), quickReplies };
  return { text: lines(t('certificate.list', names(ctx)), ...all.map((p) => bullet(howTo(ctx, p)))), quickReplies };
}

/**
 * "Can I book an appointment?": yes or no first, what it is for, how to book (or that the bot does
 * not know), and whether the certificate the citizen asked about needs one at all.
 */
export function appointment(ctx: AnswerContext): Answer {
  const { k, t, lang, session } = ctx;
  const org = ctx.org!;
  const n = names(ctx);
  const quickReplies = suggestions(ctx, ['phones', 'certificate']);
  const found = k.procedures(org.id, 'appointment')[0];
  // "¿Hace falta cita para el padrón en Elche?": nothing known of appointments, but how the certificate is got.
  const asked = ctx.certificate ? k.procedures(org.id, 'certificate').find((p) => p.certificate === ctx.certificate) : undefined;
  if (!found && asked) return { text: sentences(t('appointment.none', n), howTo(ctx, asked)), quickReplies };
  if (!found) {
    const open = k.officesOf(org.id).filter(isOpen);
    const anyOpen = org.anyOpenOffice[lang];
    const ask = askChannel(ctx, 'appointment');
    return {
      text:
        open.length > 0 && anyOpen
          ? sentences(t('appointment.none', n), t('appointment.walk_in', { any_open: anyOpen, offices: shortList(open, lang, 'disjunction') }))
          : ask
            ? t('appointment.none_ask', { ...n, ask })
            : t('appointment.none', n),
      quickReplies,
    };
  }
  const office = k.office(found.offices[0]);
  const booking = localized(found.booking, lang);
  // The certificate this message or the conversation is about: it may need no appointment at all.
  const about = ctx.certificate ?? session.certificate;
  const earlier = about ? k.procedures(org.id, 'certificate').find((p) => p.certificate === about) : undefined;
  const online = localized(org.online, lang);
  const without = earlier && !earlier.channels.includes('appointment') ? earlier : undefined;
  if (without && ctx.certificate) {
    // "Do I need an appointment for the padrón?": no, first, and how it is done.
    return { text: sentences(t('appointment.not_needed_first', { what: what(ctx, without) }), howTo(ctx, without)), quickReplies };
  }
  return {
    text: sentences(
      // "Can I go without an appointment?": no, first.
      t(ctx.entities.channel === 'walk_in' ? 'appointment.required' : 'appointment.yes', nameValues(lang, office, org)),
      localized(found.notes, lang),
      booking || t('appointment.no_booking'),
      !booking && phoneHelp(ctx, org),
      without && online && without.channels[0] === 'online'
        ? t('appointment.not_needed_online', { what: what(ctx, without), online })
        : without
          ? sentences(t('appointment.not_needed', { what: what(ctx, without) }), howTo(ctx, without, 'how', false))
          : online && t('appointment.others_online', { online }),
    ),
    quickReplies,
  };
}

function byKind(ctx: AnswerContext, kind: Procedure['kind'], verb: 'how' | 'submit'): Answer {
  const { k, t } = ctx;
  const org = ctx.org!;
  const found = k.procedures(org.id, kind);
  const text =
    found.length > 0
      ? sentences(channelAnswer(ctx, found), found.map((p) => howTo(ctx, p, verb)).join('\n'))
      : sentences(t('procedure.none', names(ctx)), offersInstead(ctx, org, kind));
  return { text, quickReplies: suggestions(ctx, ['phones', 'open_offices']) };
}

const KINDS: Procedure['kind'][] = ['certificate', 'appointment', 'document_submission', 'transport_card', 'health'];

/**
 * "What can I do online in Paiporta?": the procedures of the organisation done online, where; or
 * that the bot knows of none, and where it is done in person instead.
 */
export function onlineServices(ctx: AnswerContext, org: Organisation): string {
  const { k, t, lang } = ctx;
  const online = localized(org.online, lang);
  const found = KINDS.flatMap((kind) => k.procedures(org.id, kind)).filter((p) => p.channels.includes('online'));
  // A procedure without a name of its own (filing documents) goes by what the help calls it.
  const label = (p: Procedure) => what(ctx, p) || (p.kind === 'document_submission' ? t('help.online_documents') : '');
  const labels = found.map(label).filter(Boolean);
  if (online && labels.length > 0) return lines(t('help.online', { online }), ...labels.map((l) => bullet(capitalize(l))));
  return sentences(
    t('help.online_none', nameValues(lang, undefined, org)),
    inPerson(ctx, org, k.officesOf(org.id).filter(isOpen)),
    phoneHelp(ctx, org),
  );
}

export const documents = (ctx: AnswerContext) => byKind(ctx, 'document_submission', 'submit');
export const transport = (ctx: AnswerContext) => byKind(ctx, 'transport_card', 'how');

/**
 * "How do I get a PCR in Elche?": the organisation offers no health service; the bot says so, and
 * which agency its health information is from (never that agency's answer as if it were this one's).
 */
function elsewhere(ctx: AnswerContext, org: Organisation): string {
  const { k, t, lang } = ctx;
  const agencies = k.organisations.filter((o) => k.procedures(o.id, 'health').length > 0);
  if (agencies.length === 0) return t('procedure.none', names(ctx));
  // "de ATS Insubria, la agencia de salud de Como y Varese, en Italia"
  const agencyOf = listOf(agencies.map((o) => [nameValues(lang, undefined, o).org_of, localized(o.place, lang)].filter(Boolean).join(', ')), lang);
  return t('health.elsewhere', { ...nameValues(lang, undefined, org), agency_of: agencyOf });
}

/**
 * Health services: the one asked about first ("your GP books the swab"), then that this is the
 * information of that agency only (a resident of Spain may be asking about their own test).
 */
export function health(ctx: AnswerContext): Answer {
  const { k, t, lang, entities } = ctx;
  const org = ctx.org!;
  const found = k.procedures(org.id, 'health');
  const services = found.flatMap((p) => p.services);
  const asked = services.find((s) => s.id === entities.health);
  const place = localized(org.place, lang);
  const scope = t(place ? 'health.scope_place' : 'health.scope', { ...nameValues(lang, undefined, org), place });
  const quickReplies = suggestions(ctx, ['phones']);
  if (found.length === 0) return { text: elsewhere(ctx, org), quickReplies };
  if (asked) return { text: sentences(localized(asked.text, lang), scope), quickReplies };
  if (services.length === 0) return { text: sentences(t('procedure.none', names(ctx)), scope), quickReplies };
  return {
    text: lines(sentences(scope, t('health.restored', { what: localized(found[0].name, lang) })), ...services.map((s) => bullet(localized(s.text, lang)))),
    quickReplies,
  };
}
