import type { Knowledge } from '../knowledge/knowledge.js';
import type { Procedure, ServiceKind } from '../knowledge/schema.js';
import type { AnswerContext } from './context.js';
import type { Answer } from './types.js';
import * as info from './answers/info.js';
import * as status from './answers/status.js';
import * as contacts from './answers/contacts.js';
import * as procedures from './answers/procedures.js';
import * as verify from './answers/verify.js';

export const INTENTS = [
  'greeting',
  'goodbye',
  'help',
  'office_status',
  'office_hours',
  'office_location',
  'contact_phone',
  'contact_email',
  'certificate_request',
  'appointment',
  'document_submission',
  'transport_card',
  'incident_info',
  'health_services',
  'subscribe_updates',
  'unsubscribe_updates',
  'forget_data',
  'human_agent',
  'change_language',
  'verify_contact',
  'out_of_scope',
] as const;
export type Intent = (typeof INTENTS)[number];

/**
 * One intent: the slots its answer needs (Rasa's forms: a required slot missing is asked for),
 * whether it keeps the conversation's office and organisation when the message names none, what
 * a bare follow-up naming another office asks after it ("¿y Torrellano?"), and its answer.
 */
export interface IntentSpec {
  slots?: { office?: 'required'; organisation?: 'required' };
  followsSubject?: boolean;
  /** The intent of a bare follow-up after this one (default: this one, when it follows the subject). */
  followUp?: string;
  /** A service the message is about (the website, the albo pretorio) stands for the office it needs. */
  orService?: boolean;
  /** The question that asks for a missing office, if not "which office?" ("which office shall I tell you about?"). */
  askOffice?: string;
  /**
   * A turn about nothing in particular (a greeting, thanks, a language change): the conversation's
   * last question and topic stay what they were ("gracias" … "¿y se puede hacer por internet?").
   */
  aside?: boolean;
  /** Its answer says first whether it can be done online, by phone or in person, when asked ("¿y por internet?" follows it). */
  byChannel?: boolean;
  /** The organisations that can answer it (the clarifying question offers only these); default every one. */
  offeredBy?: (k: Knowledge, ctx: Pick<AnswerContext, 'certificate' | 'entities'>) => string[];
  /**
   * Only those organisations have anything to say: asked in a conversation about another one (a
   * quarantine after a question about Elche), it is about theirs, unless the message names one.
   */
  onlyItsOwners?: boolean;
  /** Asked of several offices or services at once ("¿Torrellano y El Altet están abiertas?"), each gets its answer. */
  each?: 'office' | 'health';
  answer(ctx: AnswerContext): Answer | Promise<Answer>;
}

export type IntentRegistry = Record<string, IntentSpec>;

const owners = (kind: Procedure['kind']) => (k: Knowledge, ctx: Pick<AnswerContext, 'certificate'>) => [
  ...new Set(k.procedures(undefined, kind).filter((p) => !ctx.certificate || p.certificate === ctx.certificate).map((p) => p.organisation)),
];
const withIncident = (k: Knowledge) => k.organisations.filter((o) => Object.keys(o.incident).length > 0).map((o) => o.id);
/** The service kind a topic of an incident question is about ("is the albo pretorio working?"). */
const SERVICE_TOPICS: Record<string, ServiceKind> = { website: 'website', notice_board: 'notice_board', family_portal: 'family_portal' };

/**
 * "How many procedures on the first day?" is about the organisations with figures; "is the albo
 * pretorio working?" about those with that service (when there are any).
 */
const incidentOwners = (k: Knowledge, ctx: Pick<AnswerContext, 'entities'>) => {
  const topic = ctx.entities.topic;
  const withFigures = k.organisations.filter((o) => Object.keys(o.reopeningFigures).length > 0).map((o) => o.id);
  const withService = topic && SERVICE_TOPICS[topic] ? k.organisations.filter((o) => k.service(o.id, SERVICE_TOPICS[topic])).map((o) => o.id) : [];
  if (topic === 'reopening_figures' && withFigures.length > 0) return withFigures;
  return withService.length > 0 ? withService : withIncident(k);
};

const forOrganisation = { slots: { organisation: 'required' }, followsSubject: true } as const;
const forOffice = { slots: { office: 'required' }, followsSubject: true } as const;

/** The intents the bot answers. Adding one is an entry here, `intents/<id>.yaml` and its locale keys. */
export const BUILT_IN: Record<Intent, IntentSpec> = {
  greeting: { aside: true, answer: info.greeting },
  goodbye: { aside: true, answer: info.goodbye },
  // "Are you a robot?" (the learned act about_bot) counts as help: it answers that.
  help: { aside: true, answer: info.help },
  office_status: { followsSubject: true, each: 'office', answer: status.status },
  office_hours: { ...forOrganisation, each: 'office', answer: status.hours },
  office_location: { ...forOrganisation, each: 'office', answer: status.location },
  contact_phone: { ...forOrganisation, each: 'office', answer: (ctx) => contacts.contacts(ctx, 'phone') },
  contact_email: { ...forOrganisation, answer: (ctx) => contacts.contacts(ctx, 'email') },
  human_agent: { ...forOrganisation, answer: contacts.human },
  certificate_request: { ...forOrganisation, byChannel: true, offeredBy: owners('certificate'), answer: procedures.certificate },
  appointment: { ...forOrganisation, offeredBy: owners('appointment'), answer: procedures.appointment },
  document_submission: { ...forOrganisation, byChannel: true, offeredBy: owners('document_submission'), answer: procedures.documents },
  transport_card: { ...forOrganisation, byChannel: true, offeredBy: owners('transport_card'), answer: procedures.transport },
  health_services: { ...forOrganisation, offeredBy: owners('health'), onlyItsOwners: true, each: 'health', answer: procedures.health },
  incident_info: { ...forOrganisation, offeredBy: incidentOwners, answer: info.incident },
  subscribe_updates: { ...forOffice, orService: true, followUp: 'office_status', askOffice: 'subscribe.which', answer: status.subscribe },
  unsubscribe_updates: { followsSubject: true, followUp: 'office_status', answer: status.unsubscribe },
  // Asks first, unless it is an unmistakable command or the confirmation: then ChatCore erases the conversation (GDPR art. 17).
  forget_data: { answer: info.forget },
  change_language: { aside: true, answer: info.changeLanguage },
  // "Is this number really the council's?": checked against the official contacts and the scam list; about the conversation's organisation when it has one.
  verify_contact: { followsSubject: true, answer: verify.verify },
  // A complaint (the learned tone) that asks nothing else counts as out of scope: it gets an apology and the contacts.
  out_of_scope: { aside: true, answer: info.fallback },
};

/** The registry, with any extra intents (a council's own, or a test's). */
export function createRegistry(extra: IntentRegistry = {}): IntentRegistry {
  return { ...BUILT_IN, ...extra };
}

/** The training data and the registry must name the same intents: a readable error otherwise. */
export function checkRegistry(registry: IntentRegistry, trained: readonly string[]): void {
  const known = new Set(Object.keys(registry));
  const untrained = [...known].filter((id) => !trained.includes(id));
  const unanswered = trained.filter((id) => !known.has(id));
  if (untrained.length === 0 && unanswered.length === 0) return;
  const parts = [
    unanswered.length > 0 && `intents/ has examples for ${unanswered.join(', ')}, which no entry of the intent registry answers`,
    untrained.length > 0 && `the intent registry answers ${untrained.join(', ')}, which have no intents/<id>.yaml`,
  ].filter(Boolean);
  throw new Error(`Invalid configuration: intents and registry differ: ${parts.join('; ')}`);
}
