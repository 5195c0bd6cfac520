import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { readYaml } from '../shared/yaml.js';
import { OUT_OF_SCOPE, type NluResult } from '../nlu/index.js';
import type { IntentRegistry } from './registry.js';
import type { Session } from '../domain/types.js';
import { topic, type Topic } from './topics.js';

const ENTITY_PARTS = ['place', 'office', 'organisation', 'certificate', 'channel', 'topic', 'language', 'subject', 'contact'] as const;
type Part = (typeof ENTITY_PARTS)[number];

const condition = z
  .object({
    pending: z.enum(['any', 'confirm']).optional(),
    answer: z.enum(['yes', 'no', 'any']).optional(),
    answersPending: z.boolean().optional(),
    sure: z.boolean().optional(),
    sureOfAnother: z.boolean().optional(),
    topic: z.enum(['takesOver', 'none']).optional(),
    named: z.array(z.enum(ENTITY_PARTS)).optional(),
    notNamed: z.array(z.enum(ENTITY_PARTS)).optional(),
    followUp: z.boolean().optional(),
    question: z.boolean().optional(),
    weak: z.boolean().optional(),
    last: z.enum(['byChannel', 'followsSubject', 'topic']).optional(),
    act: z.array(z.string()).optional(),
    classified: z.array(z.string()).optional(),
    bare: z.boolean().optional(),
    aside: z.boolean().optional(),
    unsure: z.boolean().optional(),
    time: z.enum(['today', 'other']).optional(),
    channel: z.array(z.string()).optional(),
    complaint: z.boolean().optional(),
    negated: z.boolean().optional(),
    correction: z.boolean().optional(),
    more: z.boolean().optional(),
    dismiss: z.boolean().optional(),
    eraseWish: z.boolean().optional(),
    staffed: z.boolean().optional(),
    trouble: z.boolean().optional(),
  })
  .strict();

const policySchema = z
  .object({
    thresholds: z
      .object({
        weakLanguage: z.number().min(0).max(1),
        switchLanguage: z.number().min(0).max(1),
        weakIntent: z.number().min(0).max(1),
        keepPendingBelow: z.number().min(0).max(1),
        sureOfAnother: z.number().min(0).max(1),
        eraseWithoutAsking: z.number().min(0).max(1),
      })
      .strict(),
    inherit: z.object({ place: z.literal('conversation'), topicTurns: z.number().int().min(0) }).strict(),
    erasure: z.object({ holds: z.array(z.string()), records: z.array(z.string()), inherits: z.array(z.string()).default([]) }).strict(),
    topics: z.record(z.string(), topic),
    rules: z.array(z.object({ name: z.string(), when: condition, then: z.string() }).strict()),
  })
  .strict();

export type Policy = z.infer<typeof policySchema>;
type Condition = z.infer<typeof condition>;

/** Reads dialogue/policy.yaml; an invalid one stops the start, saying where and why. */
export function loadPolicy(dir: string, intents: readonly string[]): Policy {
  const file = path.join(dir, 'policy.yaml');
  const parsed = policySchema.safeParse(readYaml(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const policy = parsed.data;
  const known = new Set([...intents, 'pending', 'topic', 'last', 'followUp', 'guess']);
  const unknown = [
    ...Object.entries(policy.topics).flatMap(([id, t]) => [t.intent, ...t.takesOver].filter((i) => !known.has(i)).map((i) => `topics.${id}: ${i}`)),
    ...policy.rules.filter((r) => !known.has(r.then)).map((r) => `rule "${r.name}": ${r.then}`),
  ];
  if (unknown.length > 0) throw new Error(`${file}: unknown intents: ${unknown.join(', ')}`);
  return policy;
}

/** The message's topic: a health service, another topic, else a certificate ("¿necesito cita para el padrón?" is about the appointment). */
export const topicOf = (nlu: Pick<NluResult, 'entities'>) => nlu.entities.health ?? nlu.entities.topic ?? nlu.entities.certificate;

/** What a rule may ask of the message and the conversation. */
export interface Situation {
  nlu: NluResult;
  session: Session;
  registry: IntentRegistry;
  /** The topic the conversation was about within the last turns (inherit.topicTurns), if any. */
  lastTopic?: string;
}

/** A rule that decided, or none: the classifier's intent stands. */
export interface Decision {
  intent: string;
  rule?: string;
}

/**
 * The intent a message asks, from the declared rules: the first whose conditions all hold
 * decides; else the classifier's intent.
 */
export function decide(policy: Policy, s: Situation, tried: string[] = []): Decision {
  for (const rule of policy.rules) {
    if (!holds(policy, rule.when, s)) continue;
    if (rule.then === 'guess') {
      // The rules again, on the classifier's next reading (never one already set aside).
      const passed = [...tried, s.nlu.intent];
      const next = s.nlu.guesses?.find((g) => !passed.includes(g.intent) && g.intent !== OUT_OF_SCOPE);
      if (next) return decide(policy, { ...s, nlu: { ...s.nlu, ...next } }, passed);
      continue;
    }
    const intent = target(policy, rule.then, s);
    if (intent) return { intent, rule: rule.name };
  }
  return { intent: s.nlu.intent };
}

function named(s: Situation, part: Part): boolean {
  const e = s.nlu.entities;
  if (part === 'place') return !!(e.office || e.organisation);
  if (part === 'topic') return !!(e.health || e.topic);
  // A phone number, an email address or a link written in the message.
  if (part === 'contact') return (s.nlu.contacts?.length ?? 0) > 0;
  // Something the message asks about: a place, a certificate, a topic, which offices, open or closed.
  if (part === 'subject') return !!(e.office || e.organisation || e.certificate || e.health || e.topic || e.scope || e.state);
  return !!e[part];
}

export const isWeak = (policy: Policy, nlu: Pick<NluResult, 'intent' | 'confidence'>) => nlu.intent === OUT_OF_SCOPE || nlu.confidence < policy.thresholds.weakIntent;
/**
 * Only names and function words the classifier is not sure of, or reads only as help, thanks or a
 * greeting ("what about Altabix?"), or a message it cannot place: it continues the conversation.
 */
const isFollowUp = (policy: Policy, s: Situation) => (s.nlu.bare && (s.nlu.confidence < policy.thresholds.keepPendingBelow || isAside(s))) || isWeak(policy, s.nlu);
const isQuestion = (nlu: NluResult) => !!nlu.act && nlu.act !== 'statement';

/** The topic named that takes the message from the classifier: where it cannot place it, or where the topic takes that intent over. */
function takingTopic(policy: Policy, s: Situation): Topic | undefined {
  const id = topicOf(s.nlu);
  const t = id ? policy.topics[id] : undefined;
  // A wish to erase reads as the erasure it wishes for: "¿se han llevado también mis datos?" asks about data safety all the same.
  const intent = s.nlu.eraseWish ? 'forget_data' : s.nlu.intent;
  if (!t || t.intent === intent) return undefined;
  if (t.needsPlace && !named(s, 'place')) return undefined;
  if (t.inQuestions && !isQuestion(s.nlu)) return undefined;
  if (t.unlessSure && s.nlu.confidence >= policy.thresholds.sureOfAnother) return undefined;
  return (!s.nlu.eraseWish && isWeak(policy, s.nlu)) || t.takesOver.includes(intent) ? t : undefined;
}

function answersPending(s: Situation): boolean {
  const pending = s.session.pending;
  // An offer ("shall I delete it?") is answered yes or no, never by naming an office.
  if (!pending || pending.confirm) return false;
  const e = s.nlu.entities;
  return !!(pending.intent === 'change_language' ? e.language : e.office || e.organisation || e.certificate);
}

/**
 * What each condition asks, by its name in policy.yaml. Built once: a rule's conditions are checked
 * by looking up only the ones it names (the table of closures this replaced was built for each
 * rule at each turn, ~380 functions a message).
 */
const CHECKS: { [K in keyof Condition]-?: (c: Condition, s: Situation, policy: Policy) => boolean } = {
  pending: (c, { session }) => (c.pending === 'confirm' ? !!session.pending?.confirm : !!session.pending),
  answer: (c, { nlu }) => (c.answer === 'any' ? !!nlu.entities.answer : nlu.entities.answer === c.answer),
  answersPending: (c, s) => answersPending(s) === c.answersPending,
  // Sure of another question than the one pending ("sí, bórrelo" is read as the erasure it answers;
  // "yes please" read as thanks asks nothing).
  sure: (c, s, policy) => (s.nlu.confidence >= policy.thresholds.keepPendingBelow && !s.nlu.bare && s.nlu.intent !== s.session.pending?.intent && !isAside(s)) === c.sure,
  sureOfAnother: (c, { nlu }, policy) => (nlu.confidence >= policy.thresholds.sureOfAnother && !nlu.bare) === c.sureOfAnother,
  topic: (c, s, policy) => !!takingTopic(policy, s) === (c.topic === 'takesOver'),
  named: (c, s) => c.named!.every((p) => named(s, p)),
  notNamed: (c, s) => !c.notNamed!.some((p) => named(s, p)),
  followUp: (c, s, policy) => isFollowUp(policy, s) === c.followUp,
  question: (c, { nlu }) => isQuestion(nlu) === c.question,
  weak: (c, { nlu }, policy) => isWeak(policy, nlu) === c.weak,
  last: (c, { session, registry, lastTopic }) => (c.last === 'topic' ? !!lastTopic && !!session.lastIntent : !!(session.lastIntent ? registry[session.lastIntent] : undefined)?.[c.last!]),
  act: (c, { nlu }) => c.act!.includes(nlu.act ?? 'statement'),
  classified: (c, { nlu }) => c.classified!.includes(nlu.intent),
  bare: (c, { nlu }) => nlu.bare === c.bare,
  // The classifier reads a greeting, thanks, help: a turn about nothing in particular.
  aside: (c, s) => isAside(s) === c.aside,
  unsure: (c, s, policy) => (s.nlu.bare || s.nlu.confidence < policy.thresholds.sureOfAnother || isAside(s)) === c.unsure,
  time: (c, { nlu }) => nlu.time === c.time,
  channel: (c, { nlu }) => c.channel!.includes(nlu.entities.channel ?? ''),
  complaint: (c, { nlu }) => !!nlu.complaint === c.complaint,
  negated: (c, { nlu }) => !!nlu.negated === c.negated,
  correction: (c, { nlu }) => !!nlu.correction === c.correction,
  more: (c, { nlu }) => !!nlu.more === c.more,
  dismiss: (c, { nlu }) => !!nlu.dismiss === c.dismiss,
  eraseWish: (c, { nlu }) => !!nlu.eraseWish === c.eraseWish,
  staffed: (c, { nlu }) => !!nlu.staffed === c.staffed,
  trouble: (c, { nlu }) => !!nlu.trouble === c.trouble,
};

const isAside = ({ nlu, registry }: Situation) => !!registry[nlu.intent]?.aside;

function holds(policy: Policy, c: Condition, s: Situation): boolean {
  for (const key in c) {
    const name = key as keyof Condition;
    if (c[name] !== undefined && !CHECKS[name](c, s, policy)) return false;
  }
  return true;
}

function target(policy: Policy, then: string, s: Situation): string | undefined {
  const { session, registry } = s;
  if (then === 'pending') return session.pending?.intent;
  if (then === 'topic') return takingTopic(policy, s)?.intent;
  // The last question again; after a request (a subscription), what asking of it follows: "¿y cuánto tardará?" asks the status.
  if (then === 'last') return (session.lastIntent && registry[session.lastIntent]?.followUp) ?? session.lastIntent;
  if (then === 'followUp') {
    // "¿y Torrellano?" after a status question asks the status; after a subscription, the status too.
    const last = session.lastIntent ? registry[session.lastIntent] : undefined;
    if (last?.followsSubject) return last.followUp ?? session.lastIntent;
    return s.nlu.bare ? 'office_status' : undefined;
  }
  return then;
}
