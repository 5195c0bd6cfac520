import { localized, type Knowledge } from '../../knowledge/knowledge.js';
import type { Lang, Procedure } from '../../knowledge/schema.js';
import type { Texts } from '../../shared/i18n.js';
import { OUT_OF_SCOPE, type NluResult, type NluService } from '../../nlu/index.js';
import type { Entities, EntityType } from '../../nlu/entities.js';
import * as answers from './answers.js';
import type { QuickReply, Reply, Session, Subscriptions, TurnInput, TurnResult } from './types.js';

/** Intents whose answer is about one office: without one the bot asks which. */
const NEEDS_OFFICE = new Set(['office_hours', 'office_location', 'subscribe_updates']);
/** Intents answered for an organisation (from the office, the message or the conversation). */
const NEEDS_ORGANISATION: Record<string, Procedure['kind'] | 'contacts' | 'incident'> = {
  contact_phone: 'contacts',
  contact_email: 'contacts',
  certificate_request: 'certificate',
  appointment: 'appointment',
  document_submission: 'document_submission',
  transport_card: 'transport_card',
  health_services: 'health',
  incident_info: 'incident',
};
/** Intents that keep the office of the conversation when the message names none. */
const FOLLOWS_OFFICE = new Set([...NEEDS_OFFICE, ...Object.keys(NEEDS_ORGANISATION), 'office_status', 'unsubscribe_updates']);

export interface DialogueDeps {
  nlu: Pick<NluService, 'analyse'>;
  knowledge: Knowledge;
  texts: Texts;
  subscriptions: Subscriptions;
}

/** One turn of conversation: (session, message) -> reply. Knows nothing of channels. */
export class Dialogue {
  constructor(private readonly deps: DialogueDeps) {}

  async turn(previous: Session, input: TurnInput): Promise<TurnResult> {
    const session: Session = { ...previous };
    // The picked language, else the conversation's, else the channel's guess (Telegram, the page).
    const hint = input.lang ?? previous.lang ?? input.langHint;
    const parsed = await this.deps.nlu.analyse(input.text, hint);
    // "i la de Torrellano?" is too short to tell the language: the conversation's holds.
    const nlu = parsed.bare && previous.lang ? { ...parsed, lang: previous.lang } : parsed;
    if (input.lang) {
      session.lang = input.lang;
      session.langChosen = true;
    } else if (!session.langChosen) {
      session.lang = nlu.lang;
    }
    const intent = input.intent ?? this.resolveIntent(session, nlu);
    const { officeId, orgId } = intent === OUT_OF_SCOPE ? {} : this.resolveSubject(session, nlu, intent);
    let lang = session.lang ?? nlu.lang;
    const chosen = intent === 'change_language' ? (nlu.entities.language as Lang | undefined) : undefined;
    if (chosen) {
      lang = chosen;
      session.lang = lang;
      session.langChosen = true;
    }
    session.pending = undefined;
    const certificate = nlu.entities.certificate ?? previous.pending?.certificate;
    const reply = await this.answer(session, input, intent, lang, { officeId, orgId, certificate, chosen });
    if (officeId) session.office = officeId;
    if (orgId) session.organisation = orgId;
    if (intent !== OUT_OF_SCOPE) session.lastIntent = intent;
    // Only the entities found (no empty keys), copied rather than deleted from: delete turns an
    // object into a slow dictionary that the response serialiser then reads.
    const entities: Entities = {};
    if (intent !== OUT_OF_SCOPE) {
      // The office and organisation are the ones the turn is about (also from context), not the message's.
      if (officeId) entities.office = officeId;
      if (orgId) entities.organisation = orgId;
      const found = nlu.entities;
      for (const key of Object.keys(found) as EntityType[]) {
        if (key !== 'scope' && key !== 'office' && key !== 'organisation' && found[key]) entities[key] = found[key];
      }
    }
    return { lang, reply, session, nlu: { ...nlu, intent, entities } };
  }

  /** A bare office or language name answers the bot's pending question or continues the last topic. */
  private resolveIntent(session: Session, nlu: NluResult): string {
    const e = nlu.entities;
    const weak = nlu.intent === OUT_OF_SCOPE || nlu.confidence < 0.6;
    if (session.pending) {
      const answersIt =
        session.pending.intent === 'change_language'
          ? e.language
          : e.office || e.organisation || e.certificate;
      if (answersIt && (nlu.bare || weak)) return session.pending.intent;
    }
    if ((e.office || e.organisation) && nlu.bare) {
      const last = session.lastIntent;
      return last && FOLLOWS_OFFICE.has(last) ? last : 'office_status';
    }
    return nlu.intent;
  }

  private resolveSubject(session: Session, nlu: NluResult, intent: string): { officeId?: string; orgId?: string } {
    const { knowledge: k } = this.deps;
    const e = nlu.entities;
    let officeId = e.office;
    let orgId = e.organisation ?? k.office(officeId)?.organisation;
    if (!officeId && orgId) {
      const offices = k.officesOf(orgId);
      if (offices.length === 1) officeId = offices[0].id;
    }
    const aboutAll = intent === 'office_status' && e.scope === 'all';
    if (!officeId && !orgId && FOLLOWS_OFFICE.has(intent) && !aboutAll) {
      officeId = session.office;
      orgId = session.organisation ?? k.office(officeId)?.organisation;
    }
    return { officeId, orgId };
  }

  private async answer(
    session: Session,
    input: TurnInput,
    intent: string,
    lang: Lang,
    { officeId, orgId, certificate, chosen }: { officeId?: string; orgId?: string; certificate?: string; chosen?: Lang },
  ): Promise<Reply> {
    const { knowledge: k, texts } = this.deps;
    const t = texts.t(lang);
    const office = k.office(officeId);
    const org = k.organisation(orgId);
    const ctx: answers.AnswerContext = { k, t, lang, office, org, certificate };
    const menu = answers.menu(t);
    const ask = (kind: 'office' | 'organisation'): Reply => {
      session.pending = { intent, certificate };
      return answers.reply(t('ask_office'), kind === 'office' ? this.officeChoices(lang) : this.organisationChoices(lang));
    };

    switch (intent) {
      case 'greeting':
        return answers.reply(t('greeting'), menu);
      case 'goodbye':
        return answers.reply(t('goodbye'));
      case 'help':
        return answers.reply(t('help'), menu);
      case 'office_status': {
        if (!office) return answers.reply(answers.statusBoard(ctx), menu);
        const quick: QuickReply[] =
          office.status === 'closed' || office.status === 'reopening' ? [{ label: t('quick.subscribe'), text: t('quick.subscribe') }] : [];
        return answers.reply(answers.officeStatus({ ...ctx, office }), quick);
      }
      case 'office_hours':
      case 'office_location':
        if (!office) return ask('office');
        return answers.reply(answers.hoursOrLocation({ ...ctx, office }, intent === 'office_hours' ? 'hours' : 'location'));
      case 'human_agent':
        return answers.reply(answers.humanAgent(ctx));
      case 'subscribe_updates': {
        if (input.address.channel === 'cli') return answers.reply(t('subscribe.unsupported'));
        if (!office) return ask('office');
        const added = await this.deps.subscriptions.add(office.id, input.address, lang);
        return answers.reply(t(added ? 'subscribe.done' : 'subscribe.already', { office: localized(office.name, lang) }));
      }
      case 'unsubscribe_updates': {
        const removed = await this.deps.subscriptions.remove(input.address, office?.id);
        if (removed === 0) return answers.reply(t('unsubscribe.none'));
        return answers.reply(office ? t('unsubscribe.done', { office: localized(office.name, lang) }) : t('unsubscribe.all'));
      }
      case 'change_language':
        if (chosen) return answers.reply(t('language.changed'), menu);
        session.pending = { intent };
        return answers.reply(t('language.ask'), this.languageChoices());
      case OUT_OF_SCOPE:
        return answers.reply(t('fallback'), menu);
    }

    const kind = NEEDS_ORGANISATION[intent];
    if (!kind) return answers.reply(t('fallback'), menu);
    if (!org) {
      // Only one organisation offers this (health services): no need to ask.
      const owners = kind === 'contacts' || kind === 'incident' ? [] : [...new Set(k.procedures(undefined, kind).map((p) => p.organisation))];
      if (owners.length !== 1) return ask(kind === 'contacts' ? 'office' : 'organisation');
      ctx.org = k.organisation(owners[0]);
    }
    if (kind === 'contacts') return answers.reply(answers.contacts(ctx, intent === 'contact_phone' ? 'phone' : 'email'));
    if (kind === 'incident') return answers.reply(answers.incident(ctx));
    if (kind === 'certificate') return answers.reply(answers.certificate(ctx));
    return answers.reply(answers.procedure(ctx, kind));
  }

  private officeChoices(lang: Lang): QuickReply[] {
    return this.deps.knowledge.offices.map((o) => {
      const name = localized(o.name, lang);
      return { label: name, text: name };
    });
  }

  private languageChoices(): QuickReply[] {
    // Each language by its own name, as its locale gives it ("Valencià", not "Català").
    return this.deps.texts.langs.map((l) => {
      const label = this.deps.texts.t(l)('language.self');
      return { label, text: label };
    });
  }

  private organisationChoices(lang: Lang): QuickReply[] {
    return this.deps.knowledge.organisations.map((o) => {
      const name = localized(o.name, lang);
      return { label: name, text: name };
    });
  }
}
