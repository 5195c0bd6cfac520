import { draftSummary, summary, type DraftSummary, type KnowledgeDraft, type KnowledgeLogEntry, type KnowledgeRepository, type KnowledgeVersion, type PublishOutcome, type VersionSummary } from './types.js';

const copy = <T>(x: T): T => structuredClone(x);

/** STORE=memory: the versions in this process (each method runs to its end before another starts). */
export class MemoryKnowledge implements KnowledgeRepository {
  private readonly list: KnowledgeVersion[] = [];
  private readonly drafting = new Map<string, KnowledgeDraft>();
  private readonly entries: KnowledgeLogEntry[] = [];

  async head(): Promise<number> {
    return this.list.length;
  }

  async version(n: number): Promise<KnowledgeVersion | undefined> {
    const v = this.list[n - 1];
    return v && copy(v);
  }

  async versions(from: number, to: number): Promise<VersionSummary[]> {
    return this.list.slice(from, to).map((v) => copy(summary(v)));
  }

  async publish(version: KnowledgeVersion, log: KnowledgeLogEntry, draft?: { scope: string; revision: number }): Promise<PublishOutcome> {
    if (version.n !== this.list.length + 1) return 'head-moved';
    if (draft && this.drafting.get(draft.scope)?.revision !== draft.revision) return 'draft-changed';
    if (draft) this.drafting.delete(draft.scope);
    this.list.push(copy(version));
    this.entries.push({ ...log });
    return 'published';
  }

  async draft(scope: string): Promise<KnowledgeDraft | undefined> {
    const d = this.drafting.get(scope);
    return d && copy(d);
  }

  async drafts(): Promise<DraftSummary[]> {
    return [...this.drafting.values()].map(draftSummary);
  }

  async saveDraft(draft: KnowledgeDraft, log: KnowledgeLogEntry): Promise<boolean> {
    if ((this.drafting.get(draft.scope)?.revision ?? 0) !== draft.revision - 1) return false;
    this.drafting.set(draft.scope, copy(draft));
    this.entries.push({ ...log });
    return true;
  }

  async discardDraft(scope: string, log: KnowledgeLogEntry): Promise<boolean> {
    if (!this.drafting.delete(scope)) return false;
    this.entries.push({ ...log });
    return true;
  }

  async logSize(): Promise<number> {
    return this.entries.length;
  }

  async logRange(from: number, to: number): Promise<KnowledgeLogEntry[]> {
    return this.entries.slice(from, to).map((e) => ({ ...e }));
  }
}
