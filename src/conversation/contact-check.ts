import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { getDomain } from 'tldts';
import type { FoundContact } from '../nlu/contacts.js';
import { hostOf } from '../nlu/contacts.js';
import type { ScamEntry } from '../storage/scams/types.js';
import type { Knowledge } from '../knowledge/knowledge.js';
import type { Contact, Organisation } from '../knowledge/schema.js';

/**
 * Whether a number, address or link a citizen was given is one of the knowledge base's official
 * contacts (README, "Verified contacts"). Only an exact match confirms: a number in any of its
 * national or international forms, the very address, a link on an official site's domain. A
 * look-alike (`ats-insubria.it.example.com`, an address at `ats-insubria.com`) is never one.
 */
export type Verdict =
  | { verdict: 'scam'; found: FoundContact; scam: ScamEntry }
  | { verdict: 'official'; found: FoundContact; org: Organisation; contact: Contact }
  /** A link on the domain of the organisation's website or of a procedure's page. */
  | { verdict: 'official_site'; found: FoundContact; org: Organisation }
  /** A link on the domain of the organisation's official email addresses (the knowledge base has no web address of its own for it). */
  | { verdict: 'official_domain'; found: FoundContact; org: Organisation; domain: string }
  | { verdict: 'unknown'; found: FoundContact };

const SEPARATORS = /[\s./()-]/g;

/** The E.164 forms a number written in a message may stand for: as written with its + or 00, or as a national number of each country. */
export function phoneForms(written: string, countries: readonly string[]): Set<string> {
  const bare = written.replace(SEPARATORS, '');
  const forms = new Set<string>();
  for (const country of countries) {
    const parsed = parsePhoneNumberFromString(bare, country as CountryCode);
    if (parsed?.isPossible()) forms.add(parsed.number);
  }
  return forms;
}

/** A number in its organisation's country as E.164 ('' when it does not parse). */
export function canonicalPhone(value: string, country: string | undefined): string {
  const parsed = parsePhoneNumberFromString(value.replace(SEPARATORS, ''), (country ?? 'ES') as CountryCode);
  return parsed?.isValid() ? parsed.number : '';
}

/** A host and its parents: a scam domain listed covers its subdomains too. */
const within = (host: string, domain: string) => host === domain || host.endsWith(`.${domain}`);

/** The official contacts of an organisation: its contacts, its offices' own numbers and addresses. */
export function officialContacts(k: Knowledge, org: Organisation): Contact[] {
  const offices = k.officesOf(org.id).flatMap((o) => [
    ...(o.phone ? [{ type: 'phone' as const, value: o.phone, office: o.id, label: {} }] : []),
    ...(o.email ? [{ type: 'email' as const, value: o.email, office: o.id, label: {} }] : []),
  ]);
  return [...org.contacts, ...offices.filter((c) => !org.contacts.some((x) => x.value === c.value))];
}

/** The web addresses the knowledge base gives for an organisation: its website, its procedures' links. */
function officialSites(k: Knowledge, org: Organisation): string[] {
  const links = k.base.procedures.filter((p) => p.organisation === org.id).flatMap((p) => p.links);
  return [org.website, ...links].map((u) => (u ? hostOf(u) : undefined)).filter((h): h is string => !!h);
}

function scamOf(found: FoundContact, scams: ScamEntry[], countries: string[]): ScamEntry | undefined {
  if (found.kind === 'phone') {
    const forms = phoneForms(found.value, countries);
    return scams.find((s) => s.kind === 'phone' && forms.has(s.value));
  }
  const host = found.kind === 'email' ? found.value.slice(found.value.indexOf('@') + 1) : found.hostname;
  return scams.find((s) => (s.kind === 'email' && found.kind === 'email' && s.value === found.value) || (s.kind === 'domain' && within(host, s.value)));
}

/** What the knowledge base and the scam list say of one contact found in a message. */
export function checkContact(k: Knowledge, found: FoundContact, scams: ScamEntry[]): Verdict {
  const countries = [...new Set(k.organisations.map((o) => o.country).filter((c): c is string => !!c))];
  const scam = scamOf(found, scams, countries);
  if (scam) return { verdict: 'scam', found, scam };
  for (const org of k.organisations) {
    const contacts = officialContacts(k, org);
    if (found.kind === 'phone') {
      const forms = phoneForms(found.value, countries);
      const contact = contacts.find((c) => (c.type === 'phone' || c.type === 'switchboard') && forms.has(canonicalPhone(c.value, org.country)));
      if (contact) return { verdict: 'official', found, org, contact };
    } else if (found.kind === 'email') {
      const contact = contacts.find((c) => (c.type === 'email' || c.type === 'pec') && c.value.toLowerCase() === found.value);
      if (contact) return { verdict: 'official', found, org, contact };
    } else {
      const domain = getDomain(found.hostname, { allowPrivateDomains: true });
      const sites = officialSites(k, org);
      if (domain && sites.some((s) => getDomain(s, { allowPrivateDomains: true }) === domain)) {
        return { verdict: 'official_site', found, org };
      }
      const mailDomains = contacts.filter((c) => c.type === 'email' || c.type === 'pec').map((c) => getDomain(c.value.slice(c.value.indexOf('@') + 1), { allowPrivateDomains: true }));
      if (domain && mailDomains.includes(domain)) return { verdict: 'official_domain', found, org, domain };
    }
  }
  return { verdict: 'unknown', found };
}
