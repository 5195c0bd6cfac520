import { z } from 'zod';

export const LANGS = ['es', 'ca', 'it', 'sv', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const langSchema = z.enum(LANGS);

/** A text in several languages; missing languages fall back at render time. */
export const textSchema = z.partialRecord(langSchema, z.string());
export type Text = z.infer<typeof textSchema>;

export const STATUSES = ['open', 'limited', 'closed', 'reopening'] as const;
export const MODES = ['in_person', 'phone', 'online', 'appointment'] as const;
export const CERTIFICATES = ['padron', 'address_change', 'life', 'digital'] as const;
export type Status = (typeof STATUSES)[number];
export type Mode = (typeof MODES)[number];
export type Certificate = (typeof CERTIFICATES)[number];

const id = z.string().regex(/^[a-z0-9-]+$/, 'ids are lowercase letters, digits and dashes');

/** An alias is a plain string, or one that must not match in some languages ("como" is Spanish for "how"). */
const alias = z.union([
  z.string().min(1),
  z.object({ text: z.string().min(1), notIn: z.array(langSchema).default([]) }).strict(),
]);

export const contactSchema = z
  .object({
    type: z.enum(['switchboard', 'phone', 'email', 'pec']),
    value: z.string().min(3),
    office: id.optional(),
  })
  .strict();

export const organisationSchema = z
  .object({
    id,
    name: textSchema,
    aliases: z.array(alias).default([]),
    contacts: z.array(contactSchema).default([]),
    website: z.union([z.literal(''), z.url()]).default(''),
    channels: textSchema.default({}),
    incident: textSchema.default({}),
  })
  .strict();

export const officeSchema = z
  .object({
    id,
    organisation: id,
    name: textSchema,
    aliases: z.array(alias).default([]),
    status: z.enum(STATUSES),
    modes: z.array(z.enum(MODES)).default([]),
    expectedReopening: z.union([z.string(), textSchema]).default(''),
    hours: textSchema.default({}),
    address: z.string().default(''),
    phone: z.string().default(''),
    email: z.string().default(''),
    notes: textSchema.default({}),
    updatedAt: z.string().default(''),
  })
  .strict();

export const procedureSchema = z
  .object({
    id,
    organisation: id,
    kind: z.enum(['certificate', 'appointment', 'document_submission', 'transport_card', 'health']),
    certificate: z.enum(CERTIFICATES).optional(),
    channels: z.array(z.enum(MODES)).default([]),
    offices: z.array(id).default([]),
    steps: z.partialRecord(langSchema, z.array(z.string())).default({}),
    requirements: z.partialRecord(langSchema, z.array(z.string())).default({}),
    links: z.array(z.url()).default([]),
    notes: textSchema.default({}),
  })
  .strict();

export type Organisation = z.infer<typeof organisationSchema>;
export type Office = z.infer<typeof officeSchema>;
export type Procedure = z.infer<typeof procedureSchema>;
export type Contact = z.infer<typeof contactSchema>;

export interface KnowledgeBase {
  organisations: Organisation[];
  offices: Office[];
  procedures: Procedure[];
}
