import { z } from 'zod';

/** A topic of dialogue/policy.yaml: the intent it is answered by, what it takes over, the next step it offers. */
export const topic = z
  .object({
    intent: z.string(),
    takesOver: z.array(z.string()).default([]),
    inQuestions: z.boolean().default(false),
    /** It takes the message over only while the classifier is less than sureOfAnother sure of its own reading. */
    unlessSure: z.boolean().default(false),
    needsPlace: z.boolean().default(false),
    next: z.array(z.enum(['switchboard', 'phone', 'email', 'pec'])).default([]),
  })
  .strict();

export type Topic = z.infer<typeof topic>;
