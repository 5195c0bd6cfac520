import { z } from 'zod';
import type { Knowledge } from '../../knowledge/knowledge.js';
import { SERVICE_STATUSES, STATUSES } from '../../knowledge/schema.js';
import { isServiceEntry, type AuditRecord, type AuditRepository } from '../../storage/index.js';

/**
 * What the public status page shows, in every language at once: each organisation's offices and
 * services with their status, since when, their expected return, their note and the time of their
 * last change. The page, its JSON and its feeds are all made from it. No staff names: who made a
 * change is the console's business, not the public's.
 */

const text = z.record(z.string(), z.string());
const time = z.string().describe('An ISO 8601 date and time');

export const officeState = z.object({
  id: z.string(),
  name: text,
  status: z.enum(STATUSES),
  since: time.optional().describe('Since when it has this status (its last change of status that the log still holds)'),
  updatedAt: time.optional().describe('When staff last changed it (status, note or expected reopening)'),
  expectedReopening: z.union([z.string(), text]).optional().describe('A date and time with its offset, or words per language'),
  note: text.describe("Staff's note per language; a language left out reads the organisation's language's"),
});

export const serviceState = z.object({
  id: z.string(),
  kind: z.string(),
  name: text,
  status: z.enum(SERVICE_STATUSES),
  since: time.optional(),
  updatedAt: time.optional(),
  expected: z.string().optional().describe('When it is expected back: an ISO date, or a date and time'),
  note: text,
});

export const organisationState = z.object({
  id: z.string(),
  name: text,
  place: text,
  language: z.string().optional().describe('The language its staff write in first: a note missing a language is read in this one'),
  timeZone: z.string().optional(),
  lastChange: time.optional().describe('The latest change of any of its offices or services'),
  offices: z.array(officeState),
  services: z.array(serviceState),
});

export const statusSnapshot = z
  .object({
    generatedAt: time,
    lastChange: time.optional(),
    langs: z.array(z.string()).describe('The languages the page is written in'),
    organisations: z.array(organisationState),
  })
  .describe("Each organisation's offices and services as citizens are told now");

export type OfficeState = z.infer<typeof officeState>;
export type ServiceState = z.infer<typeof serviceState>;
export type OrganisationState = z.infer<typeof organisationState>;
export type StatusSnapshot = z.infer<typeof statusSnapshot>;

/** How far back the page reads the audit log: status-since times and feed entries older than these changes are left out. */
export const CHANGES_READ = 1000;

/** The office or service an audit entry is about. */
export const subjectOf = (entry: AuditRecord): string => (isServiceEntry(entry) ? entry.service : entry.office);

/** An entry that records a change of state (other kinds of entry, should the log hold any, are no status change). */
export const isStatusChange = (entry: AuditRecord): boolean => !!entry.after && !!entry.before && typeof entry.after.status === 'string';

/** The latest changes of the log, newest first: one bounded read, never the whole log. */
export async function recentChanges(audit: AuditRepository, count = CHANGES_READ): Promise<AuditRecord[]> {
  const size = await audit.size();
  return (await audit.range(Math.max(0, size - count), size)).reverse();
}

/** Since when each office or service has its status: its latest change of status (an undo included). */
function statusSince(changes: AuditRecord[]): Map<string, string> {
  const since = new Map<string, string>();
  for (const entry of changes.filter(isStatusChange)) {
    const id = subjectOf(entry);
    if (!since.has(id) && entry.before.status !== entry.after.status) since.set(id, entry.at);
  }
  return since;
}

const latest = (times: (string | undefined)[]): string | undefined =>
  times.filter((t): t is string => !!t && !Number.isNaN(Date.parse(t))).sort((a, b) => Date.parse(b) - Date.parse(a))[0];

/** Working (an expected return no longer applies to it, though staff may have left one). */
export const officeRuns = (status: string | undefined) => status === 'open' || status === 'limited';
export const serviceRuns = (status: string | undefined) => status === 'available';

const nonEmpty = <T>(v: T | '' | undefined): T | undefined => (v === '' || v === undefined ? undefined : v);

/** The page's facts now: the knowledge in service (live changes on top) and the log's recent changes. */
export function snapshot(knowledge: Knowledge, changes: AuditRecord[], langs: string[], now = new Date()): StatusSnapshot {
  const since = statusSince(changes);
  const organisations = knowledge.organisations.map((org): OrganisationState => {
    const offices = knowledge.officesOf(org.id).map((o): OfficeState => ({
      id: o.id,
      name: o.name,
      status: o.status,
      since: since.get(o.id),
      updatedAt: nonEmpty(o.updatedAt),
      expectedReopening: officeRuns(o.status) ? undefined : nonEmpty(typeof o.expectedReopening === 'string' ? o.expectedReopening : Object.keys(o.expectedReopening).length ? o.expectedReopening : ''),
      note: o.notes,
    }));
    const services = knowledge.services(org.id).map((s): ServiceState => ({
      id: s.id,
      kind: s.kind,
      name: s.name,
      status: s.status,
      since: since.get(s.id),
      updatedAt: nonEmpty(s.updatedAt),
      expected: serviceRuns(s.status) ? undefined : nonEmpty(s.expected),
      note: s.note,
    }));
    const lastChange = latest([...offices, ...services].map((x) => x.updatedAt));
    return { id: org.id, name: org.name, place: org.place, language: org.language, timeZone: org.timeZone, lastChange, offices, services };
  });
  return { generatedAt: now.toISOString(), lastChange: latest(organisations.map((o) => o.lastChange)), langs, organisations };
}
