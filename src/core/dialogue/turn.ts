import { localized, type Knowledge } from '../../knowledge/knowledge.js';
import type { Lang, Office, Organisation } from '../../knowledge/schema.js';
import type { Texts } from '../../shared/i18n.js';
import { OUT_OF_SCOPE, type NluResult, type NluService } from '../../nlu/index.js';
import type { Entities, EntityType } from '../../nlu/entities.js';
import { createRegistry, type IntentRegistry, type IntentSpec } from '../intents/registry.js';
import { topic } from './answers/info.js';
import { lines, listOf, nameValues, quick, type AnswerContext } from './context.js';
import type { Answer, QuickReply, Session, Subscriptions, TurnInput, TurnResult } from './types.js';

export interface DialogueDeps {
  nlu: Pick<NluService, 'analyse'>;
  knowledge: Knowledge;
  texts: Texts;
  subscriptions: Subscriptions;
  /** The intents answered (default: the built-in ones). */
  registry?: IntentRegistry;
  /** The language of a first message whose language is only a guess ("hola", "👍"). */
  defaultLang?: Lang;
}

/** Intents whose messages name a topic as their own subject, not as a question inside ("borra mis datos" asks nothing about data safety). */
const OWN_TOPIC = new Set(['incident_info', 'forget_data']);

/** The intents a question about which services still work is taken for, which the offices' status answers. */
const WORKING_FROM = new Set(['help', 'health_services', OUT_OF_SCOPE]);

/** Below this confidence, a message that answers the bot's question (it names the office asked for) keeps the question's intent. */
const PENDING_KEPT_BELOW = 0.8;

/** From this confidence on, the classifier is sure a question about a way of doing things asks something else than the last procedure. */
const SURE_OF_ANOTHER = 0.9;

/** Below this, the language the NLU read is a guess: a message with no language of its own keeps the conversation's. */
const WEAK_LANGUAGE = 0.5;

/** One turn of conversation: (session, message) -> reply. Knows nothing of channels. */
export class Dialogue {
  private readonly registry: IntentRegistry;

  constructor(private readonly deps: DialogueDeps) {
    this.registry = deps.registry ?? createRegistry();
  }

  async turn(previous: Session, input: TurnInput): Promise<TurnResult> {
    const { knowledge: k, texts } = this.deps;
    const session: Session = { ...previous };
    // The picked language, else the conversation's, else the channel's guess (Telegram, the page).
    const hint = input.lang ?? previous.lang ?? input.langHint;
    // Read with the model of the conversation's organisation (examples its staff taught; no other's).
    const parsed = await this.deps.nlu.analyse(input.text, hint, previous.organisation ?? input.org);
    // "i la de Torrellano?", "👍", "12": no language of their own; the conversation's holds, else the
    // channel's hint, else the default language.
    const weak = parsed.langConfidence < WEAK_LANGUAGE;
    const kept = parsed.bare || weak ? (previous.lang ?? (weak ? (input.langHint ?? this.deps.defaultLang) : undefined)) : undefined;
    const nlu = kept ? { ...parsed, lang: kept } : parsed;
    if (input.lang) {
      session.lang = input.lang;
      session.langChosen = true;
    } else if (!session.langChosen) {
      session.lang = nlu.lang;
    }
    // The entry point's organisation (a council's own widget or link) until the citizen names another.
    if (input.org && !session.organisation && k.organisation(input.org)) session.organisation = input.org;

    const byChannel = !input.intent && this.asksByChannel(previous, nlu);
    const intent = input.intent ?? (byChannel ? previous.lastIntent! : this.resolveIntent(session, nlu));
    const spec = this.registry[intent] ?? this.registry[OUT_OF_SCOPE];
    let lang = session.lang ?? nlu.lang;
    const chosen = intent === 'change_language' ? (nlu.entities.language as Lang | undefined) : undefined;
    if (chosen) {
      lang = chosen;
      session.lang = lang;
      session.langChosen = true;
    }
    const certificate = nlu.entities.certificate ?? previous.pending?.certificate ?? (nlu.bare || byChannel ? previous.certificate : undefined);
    const innerQuestion = nlu.entities.topic ?? (previous.pending?.intent === intent ? previous.pending.topic : undefined);
    const subject = intent === OUT_OF_SCOPE ? {} : this.resolveSubject(session, nlu, intent, spec);
    const t = texts.t(lang);
    const ctx: AnswerContext = {
      k,
      t,
      lang,
      intent,
      office: k.office(subject.officeId),
      org: k.organisation(subject.orgId),
      certificate,
      entities: { ...nlu.entities, ...(innerQuestion ? { topic: innerQuestion } : {}), ...(chosen ? { language: chosen } : {}) },
      session,
      address: input.address,
      subscriptions: this.deps.subscriptions,
      languageChoices: () => this.languageChoices(),
    };
    const answer = this.fillSlots(ctx, spec) ?? (await spec.answer(ctx));
    const inner = nlu.entities.topic && !OWN_TOPIC.has(intent) ? topic(ctx, nlu.entities.topic) : undefined;

    session.pending = answer.pending;
    if (ctx.office) session.office = ctx.office.id;
    if (ctx.org) session.organisation = ctx.org.id;
    if (certificate) session.certificate = certificate;
    if (intent !== OUT_OF_SCOPE) session.lastIntent = intent;
    const reply = { text: lines(answer.text, inner), quickReplies: answer.quickReplies ?? [] };
    return { lang, reply, session, nlu: { ...nlu, intent, entities: this.reported(intent, ctx, nlu.entities) } };
  }

  /** A missing required slot is asked for (which office? which council or agency?); undefined when all are filled. */
  private fillSlots(ctx: AnswerContext, spec: IntentSpec): Answer | undefined {
    const { k, t, lang } = ctx;
    const pending = { intent: ctx.intent, certificate: ctx.certificate, topic: ctx.entities.topic };
    if (spec.slots?.office && !ctx.office) {
      const among = ctx.org ? k.officesOf(ctx.org.id) : k.offices;
      if (among.length === 1) ctx.office = among[0];
      else return { text: t('ask.office'), quickReplies: among.map((o) => officeChoice(o, lang)), pending };
    }
    const owners = (spec.offeredBy?.(k, ctx) ?? k.organisations.map((o) => o.id)).map((id) => k.organisation(id)).filter((o): o is Organisation => !!o);
    // The conversation's organisation does not offer this (quarantine after a question about Elche): ask again.
    const named = ctx.entities.organisation || ctx.entities.office;
    if (spec.slots?.organisation && ctx.org && !named && !owners.some((o) => o.id === ctx.org!.id)) ctx.org = undefined;
    if (spec.slots?.organisation && !ctx.org) {
      ctx.org = k.organisation(ctx.office?.organisation);
      if (!ctx.org && owners.length === 1) ctx.org = owners[0];
      if (ctx.org && ctx.office && ctx.office.organisation !== ctx.org.id) ctx.office = undefined;
      if (!ctx.org) {
        const orgs = listOf(owners.map((o) => nameValues(lang, undefined, o).org), lang, 'disjunction');
        return { text: t('ask.organisation', { orgs }), quickReplies: owners.map((o) => quick(localized(o.name, lang))), pending };
      }
    }
    return undefined;
  }

  /**
   * "¿y se puede hacer por internet?" after a question about a procedure: the same procedure (and
   * certificate), asked by the way of doing it, unless the classifier is sure it asks something
   * else: unsure, it takes it for another procedure ("si può fare online?" after documents reads
   * as a certificate) or for help, and a bare "¿y por teléfono?" for a phone question.
   */
  private asksByChannel(previous: Session, nlu: NluResult): boolean {
    const last = previous.lastIntent ? this.registry[previous.lastIntent] : undefined;
    const unsure = nlu.bare || nlu.confidence < SURE_OF_ANOTHER;
    return !!nlu.entities.channel && !nlu.entities.certificate && unsure && !!last?.byChannel;
  }

  /** A bare office or language name answers the bot's pending question or continues the last topic. */
  private resolveIntent(session: Session, nlu: NluResult): string {
    const e = nlu.entities;
    const weak = isWeak(nlu);
    const pending = session.pending;
    if (pending) {
      if (pending.confirm && e.answer === 'yes' && nlu.bare) return pending.intent;
      const answersIt = pending.intent === 'change_language' ? e.language : e.office || e.organisation || e.certificate;
      // "soc de Paiporta, es pot fer sense anar a l'oficina?" answers "which council?": the classifier,
      // short of sure, does not take the conversation elsewhere.
      if (answersIt && (nlu.bare || nlu.confidence < PENDING_KEPT_BELOW)) return pending.intent;
    }
    // "Necessite una PCR a Paiporta": a health service named, and the classifier cannot place the
    // message: it asks about that service (the answer says whose health information the bot has).
    if (e.health && weak) return 'health_services';
    // "I moved house in Elche, how do I change my address?": a certificate named in a message the
    // classifier cannot place asks how to get it (or, with an appointment named, about that).
    if (e.certificate && nlu.intent === OUT_OF_SCOPE) return e.topic === 'appointment' ? 'appointment' : 'certificate_request';
    // "¿y Torrellano?", or a message the NLU cannot place that names an office ("I live near Como,
    // so ATS Como"): the conversation goes on with the same kind of question. A message that also
    // names a certificate is about it ("How do I get a padrón in Elche?": its other words are
    // short, not absent), and the classifier, when sure, says what it asks.
    const aboutCertificate = !!e.certificate && !weak;
    // "What can I do online in Elche?" is short, but asks about a way of doing things, not the office.
    if ((e.office || e.organisation) && (nlu.bare || weak) && !aboutCertificate && !e.channel) {
      const last = session.lastIntent;
      const spec = last ? this.registry[last] : undefined;
      if (spec?.followsSubject) return spec.followUp ?? last!;
      if (nlu.bare) return 'office_status';
    }
    // "Quins serveis de l'ATS funcionen?" is not what the bot can do: the offices' status says what
    // works. Only with an organisation named: "¿cómo funcionan los avisos?" asks for help.
    if (e.topic === 'working' && (e.organisation || e.office) && WORKING_FROM.has(nlu.intent)) return 'office_status';
    // "¿Necesito cita previa para el certificado de empadronamiento?" asks about the appointment.
    if (nlu.intent === 'certificate_request' && e.topic === 'appointment') return 'appointment';
    return nlu.intent;
  }

  /** The office and organisation the turn is about: named in the message, else the conversation's. */
  private resolveSubject(session: Session, nlu: NluResult, intent: string, spec: IntentSpec): { officeId?: string; orgId?: string } {
    const { knowledge: k } = this.deps;
    const e = nlu.entities;
    let officeId = e.office ?? (session.pending?.intent === intent ? session.pending.office : undefined);
    let orgId = e.organisation ?? k.office(officeId)?.organisation;
    const aboutAll = intent === 'office_status' && e.scope === 'all';
    if (!officeId && !orgId && spec.followsSubject) {
      // "Which offices are open?" is about every office of the conversation's organisation.
      if (!aboutAll) officeId = session.office;
      orgId = session.organisation ?? k.office(officeId)?.organisation;
    }
    if (officeId && orgId && k.office(officeId)?.organisation !== orgId) officeId = undefined;
    return { officeId, orgId };
  }

  /** The entities the turn is about (also from context), as the channels and statistics see them. */
  private reported(intent: string, ctx: AnswerContext, found: Entities): Entities {
    const entities: Entities = {};
    if (intent === OUT_OF_SCOPE) return entities;
    if (ctx.office) entities.office = ctx.office.id;
    if (ctx.org) entities.organisation = ctx.org.id;
    for (const key of Object.keys(found) as EntityType[]) {
      if (key !== 'scope' && key !== 'office' && key !== 'organisation' && found[key]) entities[key] = found[key];
    }
    return entities;
  }

  private languageChoices(): QuickReply[] {
    // Each language by its own name, as its locale gives it ("Valencià", not "Català").
    return this.deps.texts.langs.map((l) => quick(this.deps.texts.t(l)('language.self')));
  }
}

/** The classifier cannot place the message: out of scope, or unsure. */
const isWeak = (nlu: NluResult) => nlu.intent === OUT_OF_SCOPE || nlu.confidence < 0.6;
const officeChoice = (o: Office, lang: Lang) => quick(localized(o.name, lang));
