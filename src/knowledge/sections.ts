import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { handoffSchema, officeSchema, organisationSchema, procedureSchema, serviceSchema, type KnowledgeBase } from './schema.js';

/**
 * What one organisation's staff keep: the organisation (names, contacts, websites…) and its
 * offices, services and procedures. Staff edit, and the store versions, the knowledge a section at
 * a time, so that one council's draft never holds or overwrites another's facts.
 */
export const sectionSchema = z.strictObject({
  organisation: organisationSchema,
  offices: z.array(officeSchema).default([]),
  services: z.array(serviceSchema).default([]),
  procedures: z.array(procedureSchema).default([]),
});
export type Section = z.infer<typeof sectionSchema>;

/** A section as the API answers it (a staff group's chat id is a string once read). */
export const sectionReply = sectionSchema.safeExtend({
  organisation: organisationSchema.safeExtend({ handoff: handoffSchema.safeExtend({ telegramChatId: z.string().optional() }) }),
});

const LISTS = ['offices', 'services', 'procedures'] as const;

/** The organisation's section of the knowledge; undefined when it has none. */
export function sectionOf(kb: KnowledgeBase, org: string): Section | undefined {
  const organisation = kb.organisations.find((o) => o.id === org);
  if (!organisation) return undefined;
  return {
    organisation,
    offices: kb.offices.filter((o) => o.organisation === org),
    services: kb.services.filter((s) => s.organisation === org),
    procedures: kb.procedures.filter((p) => p.organisation === org),
  };
}

/** A list with one organisation's entries replaced, where they stood (new ones where its first stood, else at the end). */
function replaced<T>(list: T[], mine: (x: T) => boolean, next: T[]): T[] {
  const at = list.findIndex(mine);
  const rest = list.filter((x) => !mine(x));
  const where = at < 0 ? rest.length : list.slice(0, at).filter((x) => !mine(x)).length;
  return [...rest.slice(0, where), ...next, ...rest.slice(where)];
}

/** The knowledge with one organisation's section replaced by another (every other organisation's facts as they were). */
export function withSection(kb: KnowledgeBase, org: string, section: Section): KnowledgeBase {
  const out = { ...kb, organisations: replaced(kb.organisations, (o) => o.id === org, [section.organisation]) };
  for (const list of LISTS) (out[list] as unknown[]) = replaced<{ organisation: string }>(kb[list], (x) => x.organisation === org, section[list]);
  return out;
}

/** The organisations whose facts differ between two knowledge bases (added and removed ones included). */
export function changedOrgs(before: KnowledgeBase, after: KnowledgeBase): string[] {
  const ids = [...new Set([...before.organisations, ...after.organisations].map((o) => o.id))];
  return ids.filter((id) => !isDeepStrictEqual(sectionOf(before, id), sectionOf(after, id)));
}

/** One organisation's knowledge as a knowledge base of its own (how a draft keeps it). */
export const asKnowledge = (s: Section): KnowledgeBase => ({ organisations: [s.organisation], offices: s.offices, services: s.services, procedures: s.procedures });

export const sameFacts = (a: unknown, b: unknown): boolean => isDeepStrictEqual(a, b);
