import { z } from 'zod';

export { langSchema, type Lang } from '../shared/languages.js';
import { langSchema } from '../shared/languages.js';

/** A text in several languages; missing languages fall back at render time. */
export const textSchema = z.record(langSchema, z.string());
export type Text = z.infer<typeof textSchema>;

export const STATUSES = ['open', 'limited', 'closed', 'reopening'] as const;
export const MODES = ['in_person', 'phone', 'online', 'appointment'] as const;
export const CERTIFICATES = ['padron', 'address_change', 'life', 'digital'] as const;
export type Status = (typeof STATUSES)[number];
export type Mode = (typeof MODES)[number];
export type Certificate = (typeof CERTIFICATES)[number];

const id = z.string().regex(/^[a-z0-9-]+$/, 'ids are lowercase letters, digits and dashes');

/** A web address citizens are sent to: http or https only (a javascript: or file: link is no place to send anyone). */
function isWebAddress(v: string): boolean {
  try {
    const url = new URL(v);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.includes('.');
  } catch {
    return false;
  }
}
const webAddress = z.string().refine(isWebAddress, 'a web address starting with https:// (or http://)');

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
    /** What the contact is for, per language ("Atención telefónica"); a language without one says the kind ("Teléfono"). */
    label: textSchema.default({}),
  })
  .strict();

/**
 * Names as they stand inside a sentence: `the` with its article ("la OMAC de El Altet",
 * "l'Ajuntament d'Elx"), `of` after "of" ("de la OMAC de El Altet", "dell'ATS Insubria").
 * Where a language has none, the bare name is used.
 */
const forms = { the: textSchema.default({}), of: textSchema.default({}) };

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** "09:00-14:00": from the first time up to (not including) the second, in the organisation's time zone. */
const timeRange = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'a time range such as 09:00-14:00')
  .refine((r) => r.slice(0, 5) < r.slice(6), 'a range ends after it starts');

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone such as Europe/Madrid');

/**
 * Hand-over to staff: off unless enabled. `hours` per weekday (a day left out: no staff that day);
 * no `hours` at all: at any time. `telegramChatId`: the staff group each hand-over is also posted to.
 */
export const handoffSchema = z
  .object({
    enabled: z.boolean().default(false),
    hours: z.partialRecord(z.enum(WEEKDAYS), z.array(timeRange)).optional(),
    telegramChatId: z
      .union([z.int(), z.string().regex(/^-?\d+$/, 'a chat id')])
      .transform(String)
      .optional(),
  })
  .strict();
export type HandoffSettings = z.infer<typeof handoffSchema>;

export const organisationSchema = z
  .object({
    id,
    name: textSchema,
    ...forms,
    /** Where it is, for residents who may not know ("Como y Varese, Italia"). */
    place: textSchema.default({}),
    /** The language its staff write in first: a note or announcement missing a citizen's language is shown in this one. */
    language: langSchema.optional(),
    /** ISO 3166 country code: phone numbers are also shown in their international form. */
    country: z.string().regex(/^[A-Z]{2}$/).optional(),
    aliases: z.array(alias).default([]),
    contacts: z.array(contactSchema).default([]),
    website: z.string().refine((v) => v === '' || isWebAddress(v), 'a web address starting with https:// (or http://), or nothing').default(''),
    /** Where to look up what the bot does not have ("la web municipal del Ayuntamiento de Elche"). */
    officialSite: textSchema.default({}),
    /** "any of its open offices" in each language ("cualquier OMAC abierta"). */
    anyOpenOffice: textSchema.default({}),
    /** What is known about citizens' personal data after the incident; empty: nothing is known. */
    dataSafety: textSchema.default({}),
    incident: textSchema.default({}),
    /** How many procedures its offices handled when they reopened, as the source reports them; empty: not known. */
    reopeningFigures: textSchema.default({}),
    /** Its place's time zone, e.g. Europe/Madrid: its hand-over hours and its staff's days in the insights are counted in it. */
    timeZone: timeZone.optional(),
    handoff: handoffSchema.default({ enabled: false }),
  })
  .strict()
  .refine((o) => !o.handoff.hours || !!o.timeZone, { message: 'handoff.hours need the organisation\'s timeZone', path: ['timeZone'] });

export const officeSchema = z
  .object({
    id,
    organisation: id,
    name: textSchema,
    ...forms,
    /** The name among its organisation's offices ("Centro", "El Altet"). */
    short: textSchema.default({}),
    aliases: z.array(alias).default([]),
    status: z.enum(STATUSES),
    /** Open again after a closure (said so when asked). */
    reopened: z.boolean().default(false),
    /** How a limited office serves, in a few words ("by phone and online; in person only by appointment"). */
    service: textSchema.default({}),
    modes: z.array(z.enum(MODES)).default([]),
    expectedReopening: z.union([z.string(), textSchema]).default(''),
    hours: textSchema.default({}),
    address: z.string().default(''),
    phone: z.string().default(''),
    email: z.string().default(''),
    notes: textSchema.default({}),
    /** When staff last wrote each language's note (src/knowledge/freshness.ts); the files' notes have none. */
    notesWritten: z.record(z.string(), z.string()).optional(),
    updatedAt: z.string().default(''),
  })
  .strict();

/**
 * The ways a procedure can be done or a service reached: `appointment` is in person by prior
 * appointment, `walk_in` in person without one.
 */
export const CHANNELS = ['online', 'in_person', 'appointment', 'walk_in', 'phone', 'email', 'pec'] as const;
export type Channel = (typeof CHANNELS)[number];

export const procedureSchema = z
  .object({
    id,
    organisation: id,
    kind: z.enum(['certificate', 'appointment', 'document_submission', 'transport_card', 'health']),
    certificate: z.enum(CERTIFICATES).optional(),
    /** What it is, with its article ("la tarjeta Bus Lliure (transporte público gratuito para jóvenes)"). */
    name: textSchema.default({}),
    /**
     * The ways it is done, as a source says (online at the organisation's e-office, in person at its
     * offices, by appointment), and the ways a source says it is NOT done. Any other way is unknown:
     * the bot then says it does not know, never that it cannot be done.
     */
    channels: z.array(z.enum(['online', 'in_person', 'appointment'])).default([]),
    notAvailable: z.array(z.enum(CHANNELS)).default([]),
    /** How to book it, where known. */
    booking: textSchema.default({}),
    /** Services it groups, each with what to tell a citizen who asks for it (health services). */
    services: z.array(z.object({ id, text: textSchema }).strict()).default([]),
    offices: z.array(id).default([]),
    steps: z.record(langSchema, z.array(z.string())).default({}),
    requirements: z.record(langSchema, z.array(z.string())).default({}),
    links: z.array(webAddress).default([]),
    notes: textSchema.default({}),
  })
  .strict();

export const SERVICE_KINDS = ['website', 'e_office', 'phone_help', 'email', 'notice_board', 'family_portal', 'primary_care'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];
export const SERVICE_STATUSES = ['available', 'limited', 'unavailable', 'unknown'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

/** A service or channel of an organisation (its e-office, its website, phone help…) and its state. */
export const serviceSchema = z
  .object({
    id,
    organisation: id,
    kind: z.enum(SERVICE_KINDS),
    status: z.enum(SERVICE_STATUSES),
    /** With its article, inside a sentence ("la sede electrónica del Ayuntamiento de Paiporta"). */
    name: textSchema,
    /** Its state in a few words, after its name ("está temporalmente fuera de servicio"). */
    note: textSchema.default({}),
  })
  .strict();

export type Organisation = z.infer<typeof organisationSchema>;
export type Service = z.infer<typeof serviceSchema>;
export type Office = z.infer<typeof officeSchema>;
export type Procedure = z.infer<typeof procedureSchema>;
export type Contact = z.infer<typeof contactSchema>;

export interface KnowledgeBase {
  organisations: Organisation[];
  offices: Office[];
  procedures: Procedure[];
  services: Service[];
}
