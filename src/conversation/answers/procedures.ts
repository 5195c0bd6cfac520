import { localized } from '../../knowledge/knowledge.js';
import { NEVER_KNOWN } from '../../nlu/acts.js';
import type { Channel, Contact, Office, Organisation, Procedure } from '../../knowledge/schema.js';
import { asksAnotherDay, bullet, capitalize, isOpen, lines, listOf, named, nameValues, names, sentences, shortList, type AnswerContext } from '../context.js';
import type { Answer } from '../types.js';
import { suggestions } from './suggestions.js';
import { askChannel, askMore, contactSentence, inPerson, nextStep, serviceState } from './contacts.js';
import { statusLine } from './status.js';

/** "No sé si se puede hacer por teléfono.": a way of doing things the facts do not speak of. */
const unknownBy = (t: AnswerContext['t'], channel: string) => t('channel.unknown', { channel: t(`channel_words.${channel}`) });

/** "el certificado de empadronamiento", "la tarjeta Bus Lliure (…)": what a procedure gets the citizen. */
function what(ctx: AnswerContext, p: Procedure): string {
  return p.certificate ? ctx.t(`certificate.the.${p.certificate}`) : localized(p.name, ctx.lang);
}

/** "Si tiene dudas, el Ayuntamiento también atiende por teléfono, aunque no tengo el número." */
function phoneHelp(ctx: AnswerContext, org: Organisation): string | undefined {
  if (!ctx.k.phoneHelp(org)) return undefined;
  const phone = org.contacts.find((c) => c.type === 'phone' || c.type === 'switchboard');
  const n = nameValues(ctx.lang, undefined, org);
  return phone ? ctx.t('how.phone_help', { ...n, number: phone.value }) : ctx.t('how.phone_help_no_number', n);
}

/**
 * How a procedure is done, a sentence per channel a source gives: online (where), in person (at
 * which open offices, and which of them are still closed), or by appointment (where). `verb`
 * picks the templates: `how` ("X se solicita …") or `submit` ("Puede presentar … ").
 */
export function howTo(ctx: AnswerContext, p: Procedure, verb: 'how' | 'submit' = 'how'): string {
  const { k, t, lang } = ctx;
  const org = k.organisation(p.organisation)!;
  const thing = what(ctx, p);
  const values = { ...nameValues(lang, undefined, org), what: thing, What: capitalize(thing) };
  const parts = p.channels.map((channel, i) => {
    const key = `${verb}.${channel}${i > 0 ? '_also' : ''}`;
    if (channel === 'online') {
      // Its e-office is down now: it says so; the ways that work now follow (the others, phone help).
      const down = eOfficeDown(ctx, org);
      return down ? t(`${verb}.online_down${i > 0 ? '_also' : ''}`, { ...values, online: localized(down.name, lang) }) : t(key, { ...values, online: k.online(org, lang) });
    }
    const offices = p.offices.map((id) => k.office(id)).filter((o): o is Office => !!o);
    const open = offices.filter(isOpen);
    if (channel === 'appointment') return t(key, { ...values, ...nameValues(lang, offices[0], org) });
    if (open.length === 0) return t(`${verb}.in_person_none`, values);
    const closed = offices.filter((o) => !isOpen(o)).map((o) => t('how.still_closed', nameValues(lang, o, org)));
    const anyOpen = org.anyOpenOffice[lang];
    const list = anyOpen ? t(key, { ...values, any_open: anyOpen, offices: shortList(open, lang, 'disjunction') }) : '';
    return sentences(list, ...closed);
  });
  return sentences(...parts, ...(p.steps[lang] ?? []), ...(p.requirements[lang] ?? []), ...p.links);
}

/** Whether the procedures are done by the channel asked about: yes from a source, no only where a source says so, else unknown. */
function channelState(procedures: Procedure[], asked: string): 'yes' | 'no' | 'unknown' {
  // In person includes by appointment; without an appointment, in person or online; not going there: online.
  const serves = (c: string) => c === asked || (asked === 'in_person' && c === 'appointment') || (asked === 'walk_in' && (c === 'in_person' || c === 'online')) || (asked === 'remote' && c === 'online');
  if (procedures.some((p) => p.channels.some(serves))) return 'yes';
  if (procedures.length > 0 && procedures.every((p) => p.notAvailable.includes(asked as Channel))) return 'no';
  return 'unknown';
}

/**
 * The first sentence about a way of doing things: "Sí." / "No, sin cita previa no." to a yes/no
 * question, only from a fact; "No sé si se puede hacer en línea." where the facts do not say,
 * whatever the question's form. Nothing when no channel was asked about.
 */
function channelAnswer(ctx: AnswerContext, procedures: Procedure[]): string | undefined {
  const { t, frame } = ctx;
  const asked = frame.channel;
  // "¿Puedo pedir el padrón?": yes, it is done (how follows). "¿Tengo que ir?", "¿online o en persona?": no bare yes.
  if (!asked) return atOffice(ctx, procedures) ?? (frame.modality === 'can' && procedures.length > 0 && !frame.followUp ? t('answer.yes') : undefined);
  const state = channelState(procedures, asked);
  // Nothing said of the procedure in person, but its organisation's office sees people only by appointment: that is the answer.
  const byAppointment = state === 'unknown' && (asked === 'in_person' || asked === 'walk_in') ? appointmentOnly(ctx) : undefined;
  if (byAppointment) return t(asked === 'walk_in' ? 'appointment.required' : 'appointment.rule', nameValues(ctx.lang, byAppointment, ctx.org));
  if (state === 'unknown') return unknownBy(t, asked);
  if (frame.act !== 'yes_no') return undefined;
  // Done online, but the e-office is down now: not now (the other ways follow).
  const online = asked === 'online' || asked === 'remote';
  if (state === 'yes' && online && ctx.org && eOfficeDown(ctx, ctx.org) && !procedures.some((p) => p.channels.some((c) => c !== 'online'))) return t('channel.not_now');
  return state === 'yes' ? t('answer.yes') : t('channel.no', { channel: t(`channel_words.${asked}`) });
}

/** The organisation's e-office, when staff (or the sources) say it is down now. */
function eOfficeDown(ctx: AnswerContext, org: Organisation) {
  const service = ctx.k.service(org.id, 'e_office');
  return service?.status === 'unavailable' ? service : undefined;
}

/** The organisation's office that serves in person only by appointment (Paiporta's Oficina Única), if that is how it serves. */
function appointmentOnly(ctx: AnswerContext): Office | undefined {
  const offices = ctx.org ? ctx.k.officesOf(ctx.org.id) : [];
  return offices.find((o) => o.modes.includes('appointment')) && !offices.some((o) => o.modes.includes('in_person')) ? offices.find((o) => o.modes.includes('appointment')) : undefined;
}

/**
 * "¿Y en Torrellano?", "lo fanno anche a El Altet?": the office named, one of several that do it,
 * does it and is open (yes), or is closed (no, and when it reopens).
 */
function atOffice(ctx: AnswerContext, procedures: Procedure[]): string | undefined {
  const office = ctx.office && ctx.entities.office === ctx.office.id ? ctx.office : undefined;
  const among = new Set(procedures.flatMap((p) => p.offices));
  if (ctx.frame.act !== 'yes_no' || !office || among.size < 2 || !among.has(office.id)) return undefined;
  const n = nameValues(ctx.lang, office, ctx.org);
  return isOpen(office) ? ctx.t('procedure.at_office', n) : statusLine(ctx, office);
}

/** What the facts do not say: "¿cuánto tarda?", "¿quién…?", "¿hasta qué edad?", "¿hay cita hoy?": "I don't know" first. */
export function unknownAsked(ctx: AnswerContext): string | undefined {
  const { act, unplaced, time } = ctx.frame;
  // "¿Cuántas solicitudes de Bus Lliure hubo?": the only counts the facts hold are the first day's.
  const figures = act === 'how_many' && ctx.org ? localized(ctx.org.reopeningFigures, ctx.lang) : '';
  if (figures) return figures;
  const attribute = NEVER_KNOWN.has(act) || ['who', 'when', 'why'].includes(act);
  return attribute || unplaced || (time && act === 'yes_no') ? ctx.t('answer.unknown') : undefined;
}

/** What the organisation offers instead, when it does not do what was asked. */
function offersInstead(ctx: AnswerContext, org: Organisation, kind: Procedure['kind']): string {
  const { k, t, lang } = ctx;
  const others = k.procedures(org.id, kind).map((p) => what(ctx, p));
  return others.length > 0 ? t('procedure.offers', { ...nameValues(lang, undefined, org), list: listOf(others, lang) }) : '';
}

/** Nothing known of a procedure at an organisation: that, where to ask, what it does offer. */
/** The contact that serves a kind of procedure whatever its steps: official documents go by PEC (certified email). */
const SERVED_BY: Partial<Record<Procedure['kind'], Contact['type']>> = { document_submission: 'pec' };

function noneKnown(ctx: AnswerContext, org: Organisation, kind: Procedure['kind'], missing: string): Answer {
  const serving = org.contacts.filter((c) => c.type === SERVED_BY[kind]).map((c) => contactSentence(ctx, c, org));
  return {
    text: sentences(missing, askMore(ctx)),
    next: serving.length > 0 ? sentences(...serving) : undefined,
    context: offersInstead(ctx, org, kind) || undefined,
    quickReplies: suggestions(ctx, ['phones', 'open_offices']),
  };
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
    (k.phoneHelp(org) && t('contact.phone_help_no_number', nameValues(lang, undefined, org)));
  return sentences(
    ask ? t('certificate.deregistration_ask', { ...names(ctx), ask }) : t('certificate.deregistration', names(ctx)),
    staff && t('certificate.deregistration_padron'),
    staff,
  );
}

/** The answer about some procedures: the channel or the unknown asked about first, then how they are done, phone help, one line of notes. */
function procedureAnswer(ctx: AnswerContext, found: Procedure[], verb: 'how' | 'submit'): Answer {
  const org = ctx.org!;
  const unknown = unknownAsked(ctx);
  const first = unknown ?? channelAnswer(ctx, found);
  // "¿Y en Torrellano?" after how it is done: whether that office does it is the whole answer.
  if (first && ctx.frame.followUp && first === atOffice(ctx, found)) return { text: first, quickReplies: suggestions(ctx, ['phones', 'open_offices']) };
  const how = found.map((p) => howTo(ctx, p, verb)).join('\n');
  const notes = ctx.frame.followUp ? undefined : found.map((p) => localized(p.notes, ctx.lang)).find(Boolean);
  // What the bot does not know ("¿se puede hacer en línea?" where the facts do not say): the channel that can answer.
  const ask = unknown || (ctx.frame.channel && first === unknownBy(ctx.t, ctx.frame.channel)) ? askMore(ctx) : undefined;
  return {
    text: sentences(first, how),
    next: sentences(found.some((p) => p.channels.includes('online')) || ctx.frame.channel ? phoneHelp(ctx, org) : undefined, ask) || undefined,
    context: notes,
    quickReplies: suggestions(ctx, ['phones', 'open_offices']),
  };
}

export function certificate(ctx: AnswerContext): Answer {
  const { k, t } = ctx;
  const org = ctx.org!;
  const all = k.procedures(org.id, 'certificate');
  if (ctx.entities.topic === 'deregistration') return { text: deregistration(ctx), quickReplies: suggestions(ctx, ['phones', 'open_offices']) };
  if (ctx.certificate) {
    const wanted = all.find((p) => p.certificate === ctx.certificate);
    if (wanted) return procedureAnswer(ctx, [wanted], 'how');
    return noneKnown(ctx, org, 'certificate', t('certificate.none', { ...names(ctx), what: t(`certificate.the.${ctx.certificate}`) }));
  }
  if (all.length === 0) return noneKnown(ctx, org, 'certificate', t('procedure.none', names(ctx)));
  return { text: lines(t('certificate.list', names(ctx)), ...all.map((p) => bullet(howTo(ctx, p)))), quickReplies: suggestions(ctx, ['phones', 'open_offices']) };
}

/**
 * "Do I need an appointment?" / "How do I book it?": whether one is needed first (yes or no only
 * from a fact; else that the bot does not know), or how it is booked (else that the bot does not
 * know), then where it serves, and whether the certificate asked about needs one at all.
 */
export function appointment(ctx: AnswerContext): Answer {
  const { k, t, lang, session, frame } = ctx;
  const org = ctx.org!;
  const n = names(ctx);
  const quickReplies = suggestions(ctx, ['phones', 'certificate']);
  const found = k.procedures(org.id, 'appointment')[0];
  const about = ctx.certificate ?? session.certificate;
  const asked = about ? k.procedures(org.id, 'certificate').find((p) => p.certificate === about) : undefined;
  if (!found) {
    // Nothing known of appointments here: said first, then how the certificate asked about is got, or where to go.
    const ask = askChannel(ctx, 'appointment');
    const open = k.officesOf(org.id).filter(isOpen);
    const anyOpen = org.anyOpenOffice[lang];
    return {
      text: ask ? t('appointment.none_ask', { ...n, ask }) : t('appointment.none', n),
      next: asked ? howTo(ctx, asked) : open.length > 0 && anyOpen ? t('appointment.walk_in', { any_open: anyOpen, offices: shortList(open, lang, 'disjunction') }) : undefined,
      quickReplies,
    };
  }
  const office = k.office(found.offices[0]);
  const booking = localized(found.booking, lang);
  const online = k.online(org, lang);
  const without = asked && !asked.channels.includes('appointment') ? asked : undefined;
  if (without && ctx.certificate) {
    // "Do I need an appointment for the padrón?": no, first, and how it is done.
    return { text: sentences(t('appointment.not_needed_first', { what: what(ctx, without) }), howTo(ctx, without)), quickReplies };
  }
  const rule = sentences(t('appointment.rule', nameValues(lang, office, org)), localized(found.notes, lang));
  const how = frame.act === 'how' || frame.act === 'where' || frame.act === 'when';
  // Booked by phone, by email, online? Unknown unless the facts say how it is booked.
  const byChannel = frame.channel && frame.channel !== 'in_person' && !booking ? unknownBy(t, frame.channel) : undefined;
  // "Sin cita?": no, first. "Com la demane?": how it is booked, or that the bot does not know.
  // "¿Cuánto se tarda en tener cita?": not known. "Cal cita?": yes.
  const lead =
    frame.channel === 'walk_in'
      ? t('appointment.required', nameValues(lang, office, org))
      : how
        ? booking || t('appointment.no_booking')
        : NEVER_KNOWN.has(frame.act)
          ? t('answer.unknown')
          : byChannel ?? (frame.act === 'yes_no' && frame.modality !== 'or' ? t('answer.yes') : undefined);
  return {
    text: sentences(lead, frame.channel === 'walk_in' ? localized(found.notes, lang) : rule, !how && booking),
    next: booking ? undefined : phoneHelp(ctx, org),
    context:
      without && online && without.channels[0] === 'online'
        ? t('appointment.not_needed_online', { what: what(ctx, without), online })
        : without
          ? t('appointment.not_needed', { what: what(ctx, without) })
          : online
            ? t('appointment.others_online', { online })
            : undefined,
    quickReplies,
  };
}

function byKind(ctx: AnswerContext, kind: Procedure['kind'], verb: 'how' | 'submit'): Answer {
  const { k, t } = ctx;
  const org = ctx.org!;
  const found = k.procedures(org.id, kind);
  return found.length > 0 ? procedureAnswer(ctx, found, verb) : noneKnown(ctx, org, kind, t('procedure.none', names(ctx)));
}

const KINDS: Procedure['kind'][] = ['certificate', 'appointment', 'document_submission', 'transport_card', 'health'];

/** Every procedure of an organisation, kind by kind. */
const proceduresOf = (ctx: AnswerContext, org: Organisation) => KINDS.flatMap((kind) => ctx.k.procedures(org.id, kind));

/** A procedure in a list: what it gets the citizen, or, without a name of its own (filing documents), what the help calls it. */
const listed = (ctx: AnswerContext, p: Procedure) => what(ctx, p) || (p.kind === 'document_submission' ? ctx.t('help.online_documents') : '');

/**
 * "What can I do online in Paiporta?": the procedures of the organisation done online, where; or
 * that the bot knows of none, and where it is done in person instead.
 */
export function onlineServices(ctx: AnswerContext, org: Organisation): string {
  const { k, t, lang } = ctx;
  const online = k.online(org, lang);
  const found = proceduresOf(ctx, org).filter((p) => p.channels.includes('online'));
  const labels = found.map((p) => listed(ctx, p)).filter(Boolean);
  // Then who helps by phone, for those the e-office does not let in.
  if (online && labels.length > 0) return lines(t('help.online', { online }), ...labels.map((l) => bullet(capitalize(l))), phoneHelp(ctx, org));
  return sentences(t('help.online_none', nameValues(lang, undefined, org)), inPerson(ctx, org, k.officesOf(org.id).filter(isOpen)), phoneHelp(ctx, org));
}

/**
 * "¿Qué trámites puedo hacer en la OMAC?": the organisation's procedures by the way each is done
 * (online, in person, in person by appointment only), each with its note, and where: all from the
 * knowledge base. The appointment itself is no procedure of its own here.
 */
export function proceduresByWay(ctx: AnswerContext, org: Organisation): string {
  const { k, t, lang } = ctx;
  const all = proceduresOf(ctx, org).filter((p) => p.kind !== 'appointment');
  const by = (channel: Procedure['channels'][number]) => all.filter((p) => p.channels.includes(channel));
  const group = (lead: string, found: Procedure[], after?: string) =>
    found.length > 0 ? lines(lead, ...found.map((p) => bullet(capitalize(listed(ctx, p)))), sentences(...found.map((p) => localized(p.notes, lang)), after)) : '';
  const online = k.online(org, lang);
  const atOffices = by('appointment').flatMap((p) => p.offices ?? []).map((id) => k.office(id)).filter((o): o is Office => !!o);
  const appointmentNote = k.procedures(org.id, 'appointment').map((p) => localized(p.notes, lang));
  return lines(
    online ? group(t('help.online', { online }), by('online')) : '',
    group(t('help.in_person'), by('in_person'), inPerson(ctx, org, k.officesOf(org.id).filter(isOpen))),
    group(t('help.by_appointment', { offices: listOf([...new Set(atOffices)].map((o) => named('office', o, lang).office), lang) }), by('appointment'), sentences(...appointmentNote)),
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
 * Health services: the one asked about first ("your GP books the swab"; yes first to "is it
 * working?"; "I don't know" to what the facts do not say), then the agency's contacts that serve
 * it, then, unless the conversation is already about that agency, whose information this is.
 */
/** Whom to ask about a health service when its topic does not say (dialogue/policy.yaml): the switchboards and the email. */
const HEALTH_CONTACTS = ['switchboard', 'email'] as const;

export function health(ctx: AnswerContext): Answer {
  const { k, t, lang, entities, frame } = ctx;
  const org = ctx.org!;
  const found = k.procedures(org.id, 'health');
  const services = found.flatMap((p) => p.services);
  const asked = services.find((s) => s.id === (entities.health ?? frame.topic));
  const care = frame.topic === 'primary_care' ? k.service(org.id, 'primary_care') : undefined;
  const quickReplies = suggestions(ctx, ['phones']);
  if (found.length === 0 && !care) return { text: elsewhere(ctx, org), quickReplies };
  const place = localized(org.place, lang);
  const known = ctx.session.organisation === org.id || !!entities.organisation || !!entities.office;
  // Asked in a conversation about a council (its page): whose health facts these are comes first.
  const from = known ? undefined : k.organisation(ctx.session.organisation);
  const lead = from && from.id !== org.id && k.procedures(from.id, 'health').length === 0 ? elsewhere(ctx, from) : undefined;
  const scope = known || lead ? undefined : t(place ? 'health.scope_place' : 'health.scope', { ...nameValues(lang, undefined, org), place });
  const next = nextStep(ctx, org, HEALTH_CONTACTS);
  // "Who books the swab?" is answered by the service's text; how long, how much, when are not, nor
  // whether it works on another day ("¿cierra en agosto?": the facts are today's).
  const unknown = NEVER_KNOWN.has(frame.act) || frame.act === 'when' || asksAnotherDay(frame) ? t('answer.unknown') : undefined;
  if (care) return { text: sentences(lead, unknown, serviceState(ctx, care)), next, context: scope, quickReplies };
  // "Is quarantine being activated again?": yes, from the service's text; "do I have to book it myself?": that text alone.
  const yes = frame.act === 'yes_no' && frame.modality !== 'must' && frame.modality !== 'or' ? t('answer.yes') : undefined;
  if (asked) return { text: sentences(lead, unknown ?? yes, localized(asked.text, lang)), next, context: scope, quickReplies };
  if (services.length === 0) return { text: sentences(lead, t('procedure.none', names(ctx))), next, context: scope, quickReplies };
  return {
    text: lines(sentences(lead, t('health.restored', { what: localized(found[0].name, lang) })), ...services.map((s) => bullet(localized(s.text, lang)))),
    next,
    context: scope,
    quickReplies,
  };
}
