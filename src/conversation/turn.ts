import { localized, type Knowledge } from '../knowledge/knowledge.js';
import type { Lang, Office, Organisation } from '../knowledge/schema.js';
import type { Texts } from '../shared/i18n.js';
import { OUT_OF_SCOPE, type NluResult, type NluService } from '../nlu/index.js';
import type { Entities, EntityType } from '../nlu/entities.js';
import { LEARNED_ACTS } from '../nlu/acts.js';
import { createRegistry, type IntentRegistry, type IntentSpec } from './registry.js';
import { topic as innerTopic } from './answers/info.js';
import { topicService, working as workingServices } from './answers/services.js';
import { quickReplyIntents } from './answers/suggestions.js';
import { askMore, staffContacts } from './answers/contacts.js';
import { isOpen, lines, listOf, nameValues, quick, sentences, type AnswerContext, type Frame, type ScamList } from './context.js';
import { decide, isWeak, topicOf, type Decision, type Policy } from './policy.js';
import { questionKey, render } from './planner.js';
import type { Answer, TurnInput, TurnResult } from './types.js';
import type { QuickReply, Session, Subscriptions } from '../domain/types.js';

export interface DialogueDeps {
  nlu: Pick<NluService, 'analyse'>;
  knowledge: Knowledge;
  texts: Texts;
  subscriptions: Subscriptions;
  /** The scam contacts staff list (none: only the official contacts are known). */
  scams?: ScamList;
  /** The declared routing (dialogue/policy.yaml). */
  policy: Policy;
  /** The intents answered (default: the built-in ones). */
  registry?: IntentRegistry;
  /** The language of a first message whose language is only a guess ("hola", "👍"). */
  defaultLang?: Lang;
  /** Minutes a conversation is kept after its last message (SESSION_TTL_MINUTES): what the bot says when asked. */
  keepMinutes?: number;
}

/** Questions about something already named ("when will it be back?", "is it working now?"), not about something new. */
const ATTRIBUTE_ACTS = new Set(['when', 'how_long', 'how_much', 'needs', 'yes_no']);

/** The rules whose intent continues the conversation's topic. */
const CONTINUES = new Set(['pending', 'last', 'followUp']);

/** One turn of conversation: (session, message) -> reply. Knows nothing of channels. */
export class Dialogue {
  private readonly registry: IntentRegistry;
  /** The quick replies' labels, each with the intent it asks. */
  private readonly quickReplies: Map<string, string>;

  constructor(private readonly deps: DialogueDeps) {
    this.registry = deps.registry ?? createRegistry();
    this.quickReplies = quickReplyIntents(deps.texts);
  }

  async turn(previous: Session, input: TurnInput): Promise<TurnResult> {
    const { knowledge: k, texts, policy } = this.deps;
    const session: Session = { ...previous };
    // The entry point's organisation (a council's own widget or link) until the citizen names another.
    if (input.org && !session.organisation && k.organisation(input.org)) session.organisation = input.org;
    // The picked language, else the conversation's, else the channel's guess (Telegram, the page).
    const hint = input.lang ?? previous.lang ?? input.langHint;
    // Read with the model of the conversation's organisation (examples its staff taught; no other's).
    const parsed = corrected(await this.askingSentence(input.text, hint, previous.organisation ?? input.org), previous);
    const nlu = this.withLanguage(parsed, previous, input, session);
    if (input.lang) {
      session.lang = input.lang;
      session.langChosen = true;
    } else if (!session.langChosen) {
      session.lang = nlu.lang;
    }

    const lastTopic = previous.topic && (previous.topicAge ?? 0) < policy.inherit.topicTurns ? previous.topic : undefined;
    // What the conversation was about: its topic, else its last question (the Bus Lliure card has no topic word).
    const lastSubject = lastTopic ?? ((previous.subjectAge ?? 0) < policy.inherit.topicTurns ? previous.lastIntent : undefined);
    const named = input.intent ?? this.quickReplies.get(input.text.trim().toLowerCase());
    const decision: Decision = named ? { intent: named } : decide(policy, { nlu, session: previous, registry: this.registry, lastTopic: lastSubject });
    const intent = this.registry[decision.intent] ? decision.intent : OUT_OF_SCOPE;
    const spec = this.registry[intent];
    let lang = session.lang ?? nlu.lang;
    // "Explícale en inglés qué oficinas están abiertas": the language asked for, and the answer in it;
    // "torniamo in italiano, la mail qual è?" names the language it is written in: that one.
    const ownLanguage = !input.lang && nlu.entities.language === nlu.lang && nlu.langConfidence >= policy.thresholds.weakLanguage;
    const asksLanguage = intent === 'change_language' || (nlu.intent === 'change_language' && !isWeak(policy, nlu)) || ownLanguage;
    const chosen = asksLanguage ? (nlu.entities.language as Lang | undefined) : undefined;
    if (chosen) {
      lang = chosen;
      session.lang = lang;
      session.langChosen = true;
    }
    const continues = !!decision.rule && CONTINUES.has(this.ruleTarget(decision.rule));
    const own = topicOf(nlu);
    // "When will it be back?" after the website: a question about the same thing asks of the last topic.
    const same = intent === previous.lastIntent && ATTRIBUTE_ACTS.has(nlu.act ?? 'statement');
    // A question about the chat is about the conversation: "sí, bórrala" after it erases the chat.
    const topic = own ?? (nlu.act === 'about_chat' && intent !== OUT_OF_SCOPE ? 'conversation' : undefined) ?? previous.pending?.topic ?? (continues || same ? lastTopic : undefined);
    const erased = nlu.entities.topic ?? (policy.erasure.inherits.includes(lastTopic ?? '') ? lastTopic : undefined);
    const certificate = nlu.entities.certificate ?? previous.pending?.certificate ?? (continues || nlu.bare ? previous.certificate : undefined);
    const frame: Frame = {
      act: nlu.act ?? 'statement',
      topic,
      about: topic ? policy.topics[topic] : undefined,
      channel: nlu.entities.channel,
      negated: !!nlu.negated,
      command: !input.intent && (nlu.act ?? 'statement') === 'statement' && !nlu.negated && !nlu.correction && !!nlu.erasing && policy.erasure.holds.includes(erased ?? '') && nlu.confidence >= policy.thresholds.eraseWithoutAsking,
      records: policy.erasure.records.includes(nlu.entities.topic ?? ''),
      followUp: continues && !own,
      gibberish: !!nlu.gibberish,
      unplaced: continues && (nlu.act ?? 'statement') !== 'statement' && !own && !nlu.entities.office && !nlu.entities.organisation && !nlu.entities.channel,
      time: nlu.time,
      modality: nlu.modality,
      complaint: !!nlu.complaint,
      works: !!nlu.works,
      dismissed: !!nlu.dismiss,
      eraseWish: !!nlu.eraseWish,
      trouble: !!nlu.trouble,
    };
    const subject = this.resolveSubject(session, nlu, intent, spec);
    const ctx: AnswerContext = {
      k,
      t: texts.t(lang),
      lang,
      intent,
      office: k.office(subject.officeId),
      org: k.organisation(subject.orgId),
      certificate,
      entities: { ...nlu.entities, ...(topic && !nlu.entities.health && !nlu.entities.topic ? { topic } : {}), ...(chosen ? { language: chosen } : {}) },
      frame,
      session,
      address: input.address,
      subscriptions: this.deps.subscriptions,
      contacts: nlu.contacts,
      scams: this.deps.scams,
      languageChoices: () => this.languageChoices(),
      keepMinutes: this.deps.keepMinutes,
    };
    if (input.intent === 'forget_data') ctx.frame.command = true; // /forget: the command itself
    const answer = this.fillSlots(ctx, spec) ?? (await spec.answer(ctx));
    const others = spec.each && nlu.also?.[spec.each];
    if (others && ctx[spec.each === 'office' ? 'office' : 'org']) answer.text = lines(answer.text, ...(await this.others(ctx, spec, spec.each!, others)));
    // A question inside the question ("… ¿y mis datos están seguros?") gets its own answer after the main one.
    const innerId = nlu.entities.topic;
    // A subscription to a service says the service's state itself.
    const covered = intent === 'forget_data' || (spec.orService && topicService(ctx));
    const inner = innerId && policy.topics[innerId]?.intent !== intent && !covered ? innerTopic(ctx, innerId) : undefined;
    if (inner) answer.context = inner;

    // "¿Algo más?" asks the last question again, for what was not said yet: the organisation's note
    // and what of it still works are more to say; with nothing left, that this is all, and where to ask.
    const more = !!nlu.more && continues;
    if (more && ctx.org) answer.context = sentences(answer.context, localized(ctx.org.incident, lang), workingServices(ctx, ctx.org.id));
    const asked = more && previous.asked ? previous.asked : questionKey([intent, topic, ctx.office?.id, ctx.org?.id, certificate, frame.channel, frame.act, frame.modality]);
    // "La web no carga": after what is known of it, the other ways to reach the staff.
    if (frame.trouble && !answer.next && ctx.org) {
      const reach = staffContacts(ctx, ctx.org);
      if (!answer.text.includes(reach)) answer.next = reach; // "Nobody picks up": the hand-over's answer has them already.
    }
    const channel = answer.next ?? (more ? askMore(ctx) : undefined);
    // Asked again with nothing new to say: that this is all, and where to ask.
    const { text, said } = render(answer, previous, {
      asked,
      allKnown: ctx.t('answer.all_known'),
      yesNo: frame.act === 'yes_no',
      more: more ? (channel ?? '') : undefined,
      where: () => channel ?? askMore(ctx),
    });
    session.pending = answer.pending;
    session.asked = asked;
    session.said = said;
    if (ctx.office) session.office = ctx.office.id;
    if (ctx.org) session.organisation = ctx.org.id;
    if (certificate) session.certificate = certificate;
    // An aside that answers a topic ("¿qué trámites hay?", "¿guardáis lo que escribo?" are answered by help) is the subject too.
    if (!spec.aside || (topic && intent !== OUT_OF_SCOPE)) [session.lastIntent, session.subjectAge] = [intent, 0];
    else if (session.lastIntent) session.subjectAge = (session.subjectAge ?? 0) + 1;
    if (topic && intent !== OUT_OF_SCOPE) [session.topic, session.topicAge] = [topic, 0];
    else if (session.topic) session.topicAge = (session.topicAge ?? 0) + 1;
    // "¡Llevo una hora esperando! ¿Dónde voy?": a short apology first, then the answer.
    const sorry = (frame.complaint || frame.trouble) && intent !== OUT_OF_SCOPE;
    const reply = { text: sorry ? sentences(ctx.t('complaint.sorry'), text) : text, quickReplies: answer.quickReplies ?? [] };
    return { lang, reply, session, erase: answer.erase, nlu: { ...nlu, intent, entities: this.reported(intent, ctx, nlu.entities) } };
  }

  /**
   * The message's reading; where the classifier cannot place the whole ("Perdona, el xiquet m'ha
   * agafat el mòbil. Deia si obriu els dissabtes?"), its sentence that asks something it places best,
   * with the whole message's names.
   */
  private async askingSentence(text: string, hint: Lang | undefined, org: string | undefined): Promise<NluResult> {
    const whole = await this.deps.nlu.analyse(text, hint, org);
    const retracted = await this.afterRetraction(text, whole, org);
    if (retracted) return retracted;
    const parts = text.split(/(?<=[.!?])\s+|\n/).filter((p) => p.trim());
    // "ok cheers. now delete everything": thanks or a greeting before the question asks nothing of its own.
    const placed = whole.intent !== OUT_OF_SCOPE && !this.registry[whole.intent]?.aside;
    if (placed || whole.gibberish || parts.length < 2) return whole;
    const readings = await Promise.all(parts.map((p) => this.deps.nlu.analyse(p, whole.lang, org)));
    const asking = readings.filter((r) => r.intent !== OUT_OF_SCOPE && !this.registry[r.intent]?.aside);
    const best = asking.sort((a, b) => b.confidence - a.confidence)[0];
    if (!best) return whole;
    // What the whole message says of itself (a question about the chat, a complaint, a correction) holds for the sentence read.
    const learned = whole.act && LEARNED_ACTS.includes(whole.act as (typeof LEARNED_ACTS)[number]) ? { act: whole.act } : {};
    const tone = { complaint: whole.complaint || best.complaint, correction: whole.correction || best.correction, more: whole.more || best.more, dismiss: whole.dismiss || best.dismiss, eraseWish: whole.eraseWish || best.eraseWish, staffed: whole.staffed || best.staffed, trouble: whole.trouble || best.trouble };
    return { ...whole, ...best, ...learned, ...tone, lang: whole.lang, langConfidence: whole.langConfidence, entities: { ...best.entities, ...whole.entities } };
  }

  /**
   * "Oblida lo que t'he dit, volia dir la de Torrellano", "dimentica quello che ho scritto: è per mia
   * mamma, la fe de vida": a clause that takes back what was said, and the question after it. The
   * question is what the message asks: the clauses after the retraction, read alone (a correction).
   * A retraction is a clause with a verb of erasing about the conversation, or one the act head reads
   * as a correction; with nothing after it, or nothing named after it, the message is read whole.
   */
  private async afterRetraction(text: string, whole: NluResult, org: string | undefined): Promise<NluResult | undefined> {
    if (!whole.correction && !(whole.erasing && whole.entities.topic === 'conversation')) return undefined;
    const clauses = text.split(/[,.;:!?]+|\s-\s/).filter((c) => c.trim());
    const readings = await Promise.all(clauses.map((c) => this.deps.nlu.analyse(c, whole.lang, org)));
    const at = readings.findIndex((r) => r.erasing);
    if (at < 0 || at === clauses.length - 1) return undefined;
    const rest = await this.deps.nlu.analyse(clauses.slice(at + 1).join(','), whole.lang, org);
    const e = rest.entities;
    if (!whole.correction && !(e.office || e.organisation || e.certificate || e.health || e.topic)) return undefined;
    return { ...rest, correction: true, erasing: false, lang: whole.lang, langConfidence: whole.langConfidence };
  }

  /** The answers about the other offices or services a message names, each as it would be asked alone. */
  private async others(ctx: AnswerContext, spec: IntentSpec, kind: 'office' | 'health', ids: string[]): Promise<string[]> {
    const { knowledge: k } = this.deps;
    const texts: string[] = [];
    for (const id of ids) {
      const office = kind === 'office' ? k.office(id) : undefined;
      if (kind === 'office' && !office) continue;
      const asked = office ? { office, org: k.organisation(office.organisation) } : { entities: { ...ctx.entities, health: id } };
      texts.push((await spec.answer({ ...ctx, ...asked })).text);
    }
    return texts;
  }

  /** The declared rule's target ("last", "pending"…), by its name. */
  private ruleTarget(name: string): string {
    return this.deps.policy.rules.find((r) => r.name === name)?.then ?? '';
  }

  /**
   * "i la de Torrellano?", "👍", "12", "asdfgh": no language of their own; the conversation's holds,
   * else the channel's hint, else the entry point's organisation's language, else the default one.
   */
  private withLanguage(parsed: NluResult, previous: Session, input: TurnInput, session: Session): NluResult {
    const { weakLanguage, switchLanguage } = this.deps.policy.thresholds;
    // Another language than the conversation's, unsure and not the channel's either (Telegram's language_code, the page's).
    const another = !!previous.lang && parsed.lang !== previous.lang && parsed.lang !== input.langHint && parsed.langConfidence < switchLanguage;
    const weak = parsed.langConfidence < weakLanguage || !!parsed.gibberish || another;
    if (!parsed.bare && !weak) return parsed;
    const entry = this.deps.knowledge.organisation(session.organisation)?.language;
    const kept = previous.lang ?? (weak ? (input.langHint ?? entry ?? this.deps.defaultLang) : undefined);
    return kept ? { ...parsed, lang: kept } : parsed;
  }

  /** A missing required slot is asked for (which office? which council or agency?); undefined when all are filled. */
  private fillSlots(ctx: AnswerContext, spec: IntentSpec): Answer | undefined {
    const { k, t, lang } = ctx;
    const pending = { intent: ctx.intent, certificate: ctx.certificate, topic: ctx.frame.topic };
    if (spec.slots?.office && !ctx.office && !(spec.orService && topicService(ctx))) {
      const among = ctx.org ? k.officesOf(ctx.org.id) : k.offices;
      // The closed ones first: those are the ones citizens ask to hear about.
      const choices = [...among.filter((o) => !isOpen(o)), ...among.filter(isOpen)];
      if (among.length === 1) ctx.office = among[0];
      else return { text: t(spec.askOffice ?? 'ask.office'), quickReplies: choices.map((o) => officeChoice(o, lang)), pending };
    }
    const owners = () => (spec.offeredBy?.(k, ctx) ?? k.organisations.map((o) => o.id)).map((id) => k.organisation(id)).filter((o): o is Organisation => !!o);
    const named = ctx.entities.organisation || ctx.entities.office;
    if (spec.onlyItsOwners && ctx.org && !named && !owners().some((o) => o.id === ctx.org!.id)) [ctx.org, ctx.office] = [undefined, undefined];
    if (spec.slots?.organisation && !ctx.org) {
      const among = owners();
      ctx.org = k.organisation(ctx.office?.organisation);
      if (!ctx.org && among.length === 1) ctx.org = among[0];
      if (ctx.org && ctx.office && ctx.office.organisation !== ctx.org.id) ctx.office = undefined;
      if (!ctx.org) {
        const orgs = listOf(among.map((o) => nameValues(lang, undefined, o).org), lang, 'disjunction');
        return { text: t('ask.organisation', { orgs }), quickReplies: among.map((o) => quick(localized(o.name, lang))), pending };
      }
    }
    return undefined;
  }

  /** The office and organisation the turn is about: named in the message, else the conversation's. */
  private resolveSubject(session: Session, nlu: NluResult, intent: string, spec: IntentSpec): { officeId?: string; orgId?: string } {
    const { knowledge: k } = this.deps;
    const e = nlu.entities;
    // A message the bot cannot answer is about no place, unless it complains of the one it names
    // ("¡fui tres veces al de Paiporta!": the apology's contacts are Paiporta's, and so is what follows).
    if (intent === OUT_OF_SCOPE) return nlu.complaint ? { officeId: e.office, orgId: e.organisation ?? k.office(e.office)?.organisation } : {};
    let officeId = e.office ?? (session.pending?.intent === intent ? session.pending.office : undefined);
    let orgId = e.organisation ?? k.office(officeId)?.organisation;
    // "Which offices are open?", "¿están abiertas las oficinas?": every office of the conversation's organisation.
    const aboutAll = intent === 'office_status' && (e.scope === 'all' || nlu.act === 'what');
    if (!officeId && !orgId && spec.followsSubject) {
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

const officeChoice = (o: Office, lang: Lang) => quick(localized(o.name, lang));

/**
 * "Olvídalo, quería decir Varese, no Como": a correction means another office than the one talked
 * about; named several in one message ("el de Varese… ah no, el de Como"), the last.
 */
function corrected(nlu: NluResult, previous: Session): NluResult {
  const named = nlu.entities.office ? [nlu.entities.office, ...(nlu.also?.office ?? [])] : [];
  if (!nlu.correction || named.length < 2) return nlu;
  const meant = named.filter((o) => o !== previous.office).at(-1) ?? named.at(-1);
  return { ...nlu, entities: { ...nlu.entities, office: meant }, also: { ...nlu.also, office: undefined } };
}
export { isWeak };
