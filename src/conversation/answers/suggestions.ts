import { quick, type AnswerContext } from '../context.js';
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
