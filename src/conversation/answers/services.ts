import { localized, type Knowledge } from '../../knowledge/knowledge.js';
import type { Lang, Service, ServiceKind } from '../../knowledge/schema.js';
import type { Answer } from '../types.js';
import type { Translate } from '../../shared/i18n.js';
import { intlLocale } from '../../shared/languages.js';
import { asksAnotherDay, capitalize, inSomeLanguage, listOf, sentences, type AnswerContext } from '../context.js';

type Speaking = { k: Knowledge; t: Translate; lang: Lang };
/** What was asked of the service: whether it works (yes/no), whether it is down (yes/no, asked the other way round), or nothing. */
type Asked = 'works' | 'closed' | undefined;

// One format per language and time zone: building one costs more than the rest of a turn.
const formats = new Map<string, Intl.DateTimeFormat>();
function dayMonth(lang: Lang, timeZone: string): Intl.DateTimeFormat {
  const key = `${lang}:${timeZone}`;
  let format = formats.get(key);
  if (!format) formats.set(key, (format = new Intl.DateTimeFormat(intlLocale(lang), { day: 'numeric', month: 'long', timeZone })));
  return format;
}

/** "5 de mayo": a day in the organisation's time zone (a date without a time, as it was written). */
function day(k: Knowledge, service: Service, lang: Lang, iso: string, dateOnly = false): string {
  const zone = dateOnly ? 'UTC' : (k.organisation(service.organisation)?.timeZone ?? 'Europe/Madrid');
  return dayMonth(lang, zone).format(new Date(dateOnly ? `${iso}T12:00:00Z` : iso));
}

/**
 * A service's state in the knowledge base's words: "Sí, el correo electrónico de ATS Insubria se ha
 * restablecido." (yes or no first to a yes/no question).
 */
function fromFiles({ t, lang }: Speaking, service: Service, asked: Asked): string {
  const name = localized(service.name, lang);
  const values = { name, Name: capitalize(name), note: localized(service.note, lang) };
  const state = service.status === 'available' || service.status === 'limited' ? 'works' : service.status === 'unavailable' ? 'down' : 'unknown';
  const plain = (key: string) => t(values.note ? key : `${key}_plain`, values);
  if (!asked || state === 'unknown') return plain(`service.${state}`);
  // "Is the website down?" asks the other way round: yes, it is down; no, it works.
  if (asked === 'closed') return sentences(t(state === 'down' ? 'answer.yes' : 'answer.no'), plain(`service.${state}`));
  return plain(`service.${state}_yes_no`);
}

/**
 * A service's state as staff set it: how it works and since when ("No, el sitio web … sigue sin
 * funcionar desde el 5 de mayo."), when it is expected back, and their note (in the citizen's
 * language, else another, marked).
 */
function live(ctx: Speaking, service: Service, asked: Asked): string {
  const { k, t, lang } = ctx;
  const name = localized(service.name, lang);
  const values = { name, Name: capitalize(name), date: day(k, service, lang, service.updatedAt!) };
  const key = `service.live_${service.status}`;
  const lead = asked === 'works' ? t(`${key}_yes_no`, values) : asked === 'closed' ? sentences(t(service.status === 'unavailable' ? 'answer.yes' : 'answer.no'), t(key, values)) : t(key, values);
  const expected = service.expected && service.status !== 'available' ? t('service.expected', { date: day(k, service, lang, service.expected, true) }) : '';
  return sentences(lead, expected, inSomeLanguage(k, t, service.note, service.organisation, lang, 'service.note_in', service.noteWritten));
}

/** A service's state as a sentence or three: the knowledge base's, or the one staff set. */
export function serviceLine(ctx: Speaking, service: Service, asked?: Asked): string {
  return service.updatedAt ? live(ctx, service, asked) : fromFiles(ctx, service, asked);
}

/** A service's state in answer to a message: yes or no first to a yes/no question. */
export function serviceState(ctx: AnswerContext, service: Service): string {
  // "¿Funciona ya o sigue caído?" offers two answers, "¿cierra en agosto?" asks of another day than
  // the facts': the state, with no yes or no before it.
  const plain = ctx.frame.act !== 'yes_no' || ctx.frame.modality === 'or' || asksAnotherDay(ctx.frame);
  const asked = plain ? undefined : ctx.entities.state === 'closed' ? 'closed' : 'works';
  return serviceLine(ctx, service, asked);
}

/** "The albo pretorio and the family portal are still available." ('' when none of the organisation's services is known to work). */
export function working({ k, t, lang }: Speaking, orgId: string, except?: string): string {
  const up = k.services(orgId).filter((s) => s.id !== except && s.status === 'available' && s.kind !== 'primary_care' && s.kind !== 'email');
  return up.length > 0 ? t('service.still_working', { names: listOf(up.map((s) => localized(s.name, lang)), lang), count: up.length }) : '';
}

/** A service's notice: its state now and, while it is down, what of its organisation still works. */
export function serviceStatus(ctx: Speaking, service: Service): string {
  return sentences(serviceLine(ctx, service), service.status === 'unavailable' && working(ctx, service.organisation, service.id));
}

/** The service a topic is about (the website, the albo pretorio…). */
const TOPIC_SERVICES: Record<string, ServiceKind> = { website: 'website', notice_board: 'notice_board', family_portal: 'family_portal', email_service: 'email', primary_care: 'primary_care' };

/**
 * The service the message is about ("avísame cuando vuelva la web de ATS"), named by its topic, of
 * the conversation's organisation or of the only one that has such a service; never when it names an office.
 */
export function topicService(ctx: Pick<AnswerContext, 'k' | 'org' | 'office' | 'entities' | 'frame'>): Service | undefined {
  if (ctx.entities.office) return undefined;
  const kind = TOPIC_SERVICES[ctx.entities.topic ?? (ctx.office ? '' : (ctx.frame.topic ?? ''))];
  if (!kind) return undefined;
  const found = (ctx.org ? [ctx.org] : ctx.k.organisations).flatMap((o) => ctx.k.service(o.id, kind) ?? []);
  return found.length === 1 ? found[0] : undefined;
}

/** "Tell me when the website is back": the service is subscribed to, whatever its state now (which is said first). */
export async function subscribeService(ctx: AnswerContext, service: Service): Promise<Answer> {
  const { t, lang, address } = ctx;
  if (address.channel === 'cli') return { text: t('subscribe.unsupported') };
  const added = await ctx.subscriptions.add(service.id, address, lang);
  const days = ctx.subscriptions.lifetimeDays?.(address);
  const name = localized(service.name, lang);
  return {
    text: sentences(serviceLine(ctx, service), t(added ? 'subscribe.service_done' : 'subscribe.service_already', { name, Name: capitalize(name) }), days !== undefined && t('subscribe.expires', { count: days })),
  };
}
