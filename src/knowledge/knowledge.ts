import type { Written } from './freshness.js';
import type { KnowledgeBase, Lang, Office, Organisation, Procedure, Service, ServiceKind, Status, Text } from './schema.js';

/** A change of an office's live state made by staff. */
export interface StatusChange {
  status?: Status;
  expectedReopening?: string;
  note?: Text;
  /** When each language of the note was last written (set by LiveStatus, merged per language like the note). */
  noteWritten?: Written;
}

/**
 * The knowledge base in service: the files' content with staff's live status changes on top.
 * Reloading the files keeps the live changes; answers always read through here.
 */
export class Knowledge {
  private kb: KnowledgeBase;
  private overrides = new Map<string, StatusChange & { updatedAt: string }>();

  constructor(kb: KnowledgeBase) {
    this.kb = kb;
  }

  replace(kb: KnowledgeBase): void {
    this.kb = kb;
  }

  get base(): KnowledgeBase {
    return this.kb;
  }

  get offices(): Office[] {
    return this.kb.offices.map((o) => this.withOverride(o));
  }

  get organisations(): Organisation[] {
    return this.kb.organisations;
  }

  office(id: string | undefined): Office | undefined {
    const o = id ? this.kb.offices.find((x) => x.id === id) : undefined;
    return o && this.withOverride(o);
  }

  organisation(id: string | undefined): Organisation | undefined {
    return id ? this.kb.organisations.find((o) => o.id === id) : undefined;
  }

  officesOf(orgId: string): Office[] {
    return this.offices.filter((o) => o.organisation === orgId);
  }

  procedures(orgId: string | undefined, kind: Procedure['kind']): Procedure[] {
    return this.kb.procedures.filter((p) => p.kind === kind && (!orgId || p.organisation === orgId));
  }

  services(orgId: string): Service[] {
    return this.kb.services.filter((s) => s.organisation === orgId);
  }

  /** The organisation's service of that kind (its website, its e-office…), if the knowledge base lists one. */
  service(orgId: string | undefined, kind: ServiceKind): Service | undefined {
    return orgId ? this.kb.services.find((s) => s.organisation === orgId && s.kind === kind) : undefined;
  }

  /** Where the organisation's procedures are done online, in words, while its e-office serves; '' when there is none. */
  online(org: Organisation | undefined, lang: Lang): string {
    const office = this.service(org?.id, 'e_office');
    return office && office.status !== 'unavailable' ? localized(office.name, lang) : '';
  }

  /** Its staff answer by phone now (its number may still be unknown). */
  phoneHelp(org: Organisation | undefined): boolean {
    const help = this.service(org?.id, 'phone_help');
    return !!help && help.status !== 'unavailable' && help.status !== 'unknown';
  }

  /** Staff's live state of an office: its whole stored record (fields it lacks are the files' values). */
  setOverride(id: string, change: StatusChange & { updatedAt: string }): void {
    this.overrides.set(id, change);
  }

  /** A copy of the knowledge in service with one more change on top, merged as the stores merge it: to try a change without serving it. */
  withChange(id: string, change: StatusChange & { updatedAt: string }): Knowledge {
    const copy = new Knowledge(this.kb);
    copy.overrides = new Map(this.overrides);
    const previous = this.overrides.get(id);
    copy.overrides.set(id, mergeChange(previous, change));
    return copy;
  }

  /** A copy serving other facts with the same live changes on top: to try a new version of the knowledge without serving it. */
  withBase(kb: KnowledgeBase): Knowledge {
    const copy = new Knowledge(kb);
    copy.overrides = new Map(this.overrides);
    return copy;
  }

  private withOverride(o: Office): Office {
    const change = this.overrides.get(o.id);
    if (!change) return o;
    return {
      ...o,
      status: change.status ?? o.status,
      expectedReopening: change.expectedReopening ?? o.expectedReopening,
      notes: change.note ? { ...o.notes, ...change.note } : o.notes,
      ...(change.noteWritten ? { notesWritten: { ...o.notesWritten, ...change.noteWritten } } : {}),
      updatedAt: change.updatedAt,
    };
  }
}

/** A change merged into a stored record, as every store merges it: the fields given replace, the note and its stamps per language. */
export function mergeChange<T extends StatusChange>(previous: T | undefined, change: T): T {
  return {
    ...previous,
    ...change,
    ...(change.note || previous?.note ? { note: { ...previous?.note, ...change.note } } : {}),
    ...(change.noteWritten || previous?.noteWritten ? { noteWritten: { ...previous?.noteWritten, ...change.noteWritten } } : {}),
  };
}

/** A text in the wanted language, else Spanish, else English, else any. */
export function localized(text: Text | string | undefined, lang: Lang): string {
  if (!text) return '';
  if (typeof text === 'string') return text;
  return text[lang] ?? text.es ?? text.en ?? Object.values(text).find(Boolean) ?? '';
}
