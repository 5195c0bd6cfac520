import { quick, type AnswerContext } from '../context.js';
import type { Texts } from '../../shared/i18n.js';
import type { QuickReply } from '../../domain/types.js';

/** The next steps a quick reply can offer, and the intent each one asks. */
const NEXT = {
  open_offices: 'office_status',
  phones: 'contact_phone',
  certificate: 'certificate_request',
  help: 'help',
} as const;
export type NextStep = keyof typeof NEXT;

/** Quick replies for the likely next steps; never the question just answered. */
export function suggestions(ctx: Pick<AnswerContext, 't' | 'intent' | 'office'>, steps: NextStep[]): QuickReply[] {
  return steps
    .filter((step) => NEXT[step] !== ctx.intent || (step === 'open_offices' && ctx.office))
    .map((step) => quick(ctx.t(`quick.${step}`)));
}

/**
 * The intent each quick reply asks, by its label in every language: a tapped quick reply is that
 * question, whatever the classifier would read in its words ("Com puc posar-me en contacte?").
 */
export function quickReplyIntents(texts: Pick<Texts, 'langs' | 't'>): Map<string, string> {
  const steps = Object.entries(NEXT) as [NextStep, string][];
  return new Map(texts.langs.flatMap((lang) => steps.map(([step, intent]) => [texts.t(lang)(`quick.${step}`).trim().toLowerCase(), intent] as const)));
}
