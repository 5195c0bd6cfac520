import type { Ranged } from '../../http/paging.js';
import type { KnowledgeBase } from '../../knowledge/schema.js';
import { diffKnowledge, type EntryChange } from '../../knowledge/diff.js';
import { checkReferences } from '../../knowledge/loader.js';
import { asKnowledge, changedOrgs, sameFacts, sectionOf, withSection, type Section } from '../../knowledge/sections.js';
import { checkSection, checkSent, tidy, type FactRules, type FieldProblem } from '../../knowledge/validate.js';
import {
  summary,
  WHOLE,
  type DraftSummary,
  type KnowledgeDraft,
  type KnowledgeLogEntry,
  type KnowledgeRepository,
  type KnowledgeVersion,
  type VersionSummary,
} from '../../storage/index.js';

/** Why a change was not made: no draft, the draft changed since it was read, the facts changed since the draft was started, nothing would change, no such version. */
export type Refused = 'no-draft' | 'draft-changed' | 'conflict' | 'unchanged' | 'unknown';

export type Outcome<T> = T | { refused: Refused } | { problems: FieldProblem[] };

/** A draft as staff see it: whether the facts it started from were published over since (it can then not be published as it is). */
export type DraftView = KnowledgeDraft & { stale: boolean };

/** The facts a draft of this scope holds: an organisation's section, or the whole knowledge. */
const part = (kb: KnowledgeBase, scope: string) => (scope === WHOLE ? kb : sectionOf(kb, scope));

/** How many times a publication is made again on top of another instance's that came first. */
const ATTEMPTS = 5;

/**
 * The knowledge staff keep from the console, in versions: drafts per organisation, checked before
 * they are kept; publication as the next version (a draft of one organisation joins the others'
 * facts as they are then); history with who and when; rollback to an earlier version's facts. The
 * store keeps all of it (in backups too); every instance on the store serves its newest version
 * within `pollMs` (as the taught examples do), a restart included.
 *
 * Before the first version the files of knowledge/ serve; the first publication keeps them as version 1.
 */
export class KnowledgeVersions {
  /** The version this instance serves (0: the files). */
  private served = 0;
  private timer?: NodeJS.Timeout;
  private serve?: (kb: KnowledgeBase) => void;

  constructor(
    private readonly repo: KnowledgeRepository,
    /** What serves while the store holds no version: the files. */
    private readonly seed: () => KnowledgeBase,
    private readonly rules: FactRules,
  ) {}

  /** The version this instance serves (0: the files of knowledge/). */
  get serving(): number {
    return this.served;
  }

  /**
   * Serves the store's newest version now (a restart), then checks the head every `pollMs` and
   * serves a newer one (published on another instance, or imported from the terminal).
   */
  async follow(serve: (kb: KnowledgeBase) => void, pollMs: number, onError: (err: unknown) => void): Promise<void> {
    this.serve = serve;
    await this.sync().catch(onError);
    // A store away is reported by the store itself; the next check tries again.
    if (pollMs > 0) this.timer = setInterval(() => void this.sync().catch(() => {}), pollMs).unref();
  }

  /** Serves the head if it is not what serves (nothing while the store holds no version). */
  async sync(): Promise<void> {
    const n = await this.repo.head();
    if (n === 0 || n === this.served || !this.serve) return;
    const version = await this.repo.version(n);
    if (!version) return;
    this.serve(version.kb);
    this.served = n;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The newest version in the store and its facts (0 and the files before the first). */
  async current(): Promise<{ n: number; kb: KnowledgeBase }> {
    const n = await this.repo.head();
    return { n, kb: n ? (await this.repo.version(n))!.kb : this.seed() };
  }

  private async factsOf(n: number): Promise<KnowledgeBase | undefined> {
    // Before the first publication the files served; version 1 keeps them since.
    if (n === 0) return (await this.repo.version(1))?.kb ?? this.seed();
    return (await this.repo.version(n))?.kb;
  }

  /** The draft of an organisation (or WHOLE), and whether its facts were published over since it was started. */
  async draft(scope: string): Promise<DraftView | undefined> {
    const draft = await this.repo.draft(scope);
    if (!draft) return undefined;
    const [{ kb }, start] = await Promise.all([this.current(), this.factsOf(draft.basedOn)]);
    return { ...draft, stale: !sameFacts(part(kb, scope), start && part(start, scope)) };
  }

  drafts(): Promise<DraftSummary[]> {
    return this.repo.drafts();
  }

  /** The checks an organisation's facts must pass, within the knowledge they join. */
  check(org: string, section: Section, kb: KnowledgeBase): FieldProblem[] {
    const problems = checkSection(section, org, kb, this.rules);
    if (problems.length) return problems;
    const references: { file: string; path: string; reason: string }[] = [];
    checkReferences(withSection(kb, org, section), references);
    return references.map((p) => ({ path: '', code: 'schema' as const, reason: `${p.file}: ${p.path}: ${p.reason}` }));
  }

  /** Every problem of facts sent for an organisation that the schema refused (see checkSent). */
  async problemsOf(org: string, sent: unknown): Promise<FieldProblem[]> {
    const { kb } = await this.current();
    return checkSent(sent, (section) => this.check(org, section, kb));
  }

  /**
   * Keeps an organisation's facts as its draft, once they pass every check (nothing is kept
   * otherwise). `revision`: the draft's revision the change was made on (0: none yet).
   */
  async saveDraft(org: string, given: Section, revision: number, actor: string): Promise<Outcome<{ draft: KnowledgeDraft }>> {
    const section = tidy(given);
    const { n, kb } = await this.current();
    const problems = this.check(org, section, kb);
    if (problems.length) return { problems };
    const there = await this.repo.draft(org);
    if ((there?.revision ?? 0) !== revision) return { refused: 'draft-changed' };
    const at = new Date().toISOString();
    const draft: KnowledgeDraft = { scope: org, revision: revision + 1, basedOn: there?.basedOn ?? n, by: actor, at, kb: asKnowledge(section) };
    if (!(await this.repo.saveDraft(draft, { at, actor, action: 'draft', scope: org }))) return { refused: 'draft-changed' };
    return { draft };
  }

  /** Keeps a whole knowledge base (an import) as the WHOLE draft, replacing any there (made again if another save comes first). */
  async saveWholeDraft(kb: KnowledgeBase, actor: string): Promise<KnowledgeDraft> {
    const { n } = await this.current();
    const at = new Date().toISOString();
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const there = await this.repo.draft(WHOLE);
      const draft: KnowledgeDraft = { scope: WHOLE, revision: (there?.revision ?? 0) + 1, basedOn: n, by: actor, at, kb };
      if (await this.repo.saveDraft(draft, { at, actor, action: 'draft', scope: WHOLE })) return draft;
    }
    throw new Error('the draft of every organisation kept changing meanwhile: try again');
  }

  async discard(scope: string, actor: string): Promise<boolean> {
    return this.repo.discardDraft(scope, { at: new Date().toISOString(), actor, action: 'discard', scope });
  }

  /**
   * Publishes a draft as the next version: an organisation's facts join the others' as they are
   * now. Refused when the draft is not at `revision` (it changed since it was previewed), or when
   * its organisation's facts were published over since it was started (`conflict`).
   */
  async publish(scope: string, revision: number, actor: string): Promise<Outcome<{ version: VersionSummary }>> {
    const draft = await this.repo.draft(scope);
    if (!draft) return { refused: 'no-draft' };
    if (draft.revision !== revision) return { refused: 'draft-changed' };
    const start = await this.factsOf(draft.basedOn);
    const outcome = await this.commit('publish', actor, { scope, revision }, (base) => {
      if (!sameFacts(part(base, scope), start && part(start, scope))) return 'conflict';
      return scope === WHOLE ? draft.kb : withSection(base, scope, sectionOf(draft.kb, scope)!);
    });
    // A draft that changes nothing has nothing left to publish.
    if ('refused' in outcome && outcome.refused === 'unchanged') await this.discard(scope, actor);
    return outcome;
  }

  /**
   * Brings back the facts of version `n`: one organisation's (staff of some organisations), or all
   * of them (`org` undefined: admins). A new version, as any publication.
   */
  async rollback(n: number, org: string | undefined, actor: string): Promise<Outcome<{ version: VersionSummary }>> {
    const target = await this.repo.version(n);
    if (!target) return { refused: 'unknown' };
    const section = org && sectionOf(target.kb, org);
    if (org && !section) return { refused: 'unknown' };
    return this.commit('rollback', actor, undefined, (base) => (section ? withSection(base, org!, section) : target.kb), n);
  }

  /** A whole knowledge base (read from files by `knowledge import`), checked, as the next version. */
  async import(kb: KnowledgeBase, actor: string): Promise<Outcome<{ version: VersionSummary }>> {
    return this.commit('import', actor, undefined, () => kb);
  }

  /**
   * Makes the next version from the head's facts, after the checks of every organisation it
   * changes; made again on top of a version another instance published meanwhile. The first
   * publication keeps the files as version 1 first.
   */
  private async commit(
    action: 'publish' | 'rollback' | 'import',
    actor: string,
    draft: { scope: string; revision: number } | undefined,
    make: (base: KnowledgeBase) => KnowledgeBase | 'conflict',
    restores?: number,
  ): Promise<Outcome<{ version: VersionSummary }>> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const { n, kb: base } = await this.current();
      const kb = make(base);
      if (kb === 'conflict') return { refused: 'conflict' };
      const orgs = changedOrgs(base, kb);
      if (orgs.length === 0) return { refused: 'unchanged' };
      const problems = orgs.flatMap((org) => {
        const section = sectionOf(kb, org);
        return section ? this.check(org, section, kb).map((p) => ({ ...p, path: orgs.length > 1 || draft?.scope === WHOLE ? `${org}: ${p.path}` : p.path })) : [];
      });
      if (problems.length) return { problems };
      const at = new Date().toISOString();
      if (n === 0) {
        // Another instance may seed first: either way version 1 holds the files.
        await this.repo.publish({ n: 1, at, by: 'knowledge/', action: 'seed', orgs: base.organisations.map((o) => o.id), kb: base }, { at, actor, action: 'seed', scope: WHOLE, version: 1 });
        continue;
      }
      const version: KnowledgeVersion = { n: n + 1, at, by: actor, action, orgs, ...(restores ? { restores } : {}), kb };
      const log: KnowledgeLogEntry = { at, actor, action, scope: draft?.scope ?? (orgs.length === 1 ? orgs[0] : WHOLE), version: n + 1 };
      const outcome = await this.repo.publish(version, log, draft);
      if (outcome === 'draft-changed') return { refused: 'draft-changed' };
      if (outcome === 'published') {
        await this.sync();
        return { version: summary(version) };
      }
    }
    return { refused: 'conflict' };
  }

  /** The versions as a list read a page at a time (src/http/paging.ts): position i is version i + 1. */
  get history(): Ranged<VersionSummary> {
    return { size: () => this.repo.head(), range: (from, to) => this.repo.versions(from, to) };
  }

  /** What staff did with drafts and versions, as a list read a page at a time. */
  get log(): Ranged<KnowledgeLogEntry> {
    return { size: () => this.repo.logSize(), range: (from, to) => this.repo.logRange(from, to) };
  }

  /** A version with what it changed from the one before, in the organisations given (all: every one). */
  async diff(n: number, orgs: string[] | 'all'): Promise<{ version: VersionSummary; changes: EntryChange[] } | undefined> {
    const version = await this.repo.version(n);
    if (!version) return undefined;
    const before = n > 1 ? (await this.repo.version(n - 1))?.kb : undefined;
    const changes = before ? diffKnowledge(before, version.kb, orgs === 'all' ? undefined : orgs) : [];
    return { version: summary(version), changes };
  }
}
