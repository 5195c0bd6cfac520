import type { KnowledgeBase } from '../../knowledge/schema.js';

/**
 * Versions of the knowledge staff keep from the console (README, "Editing the knowledge from the
 * console"): every published version whole, with who and when; drafts per organisation; and the
 * log of what staff did with them. The files of knowledge/ are the seed: they serve until a
 * first version is published, which stores them as version 1.
 */
export interface KnowledgeVersion {
  /** 1, 2, 3…: each publication the next. */
  n: number;
  at: string;
  /** Who published it (a username, api-token, or cli:<user> for an import from the terminal). */
  by: string;
  /** seed: the files as they were; publish: a draft; rollback: an earlier version's facts; import: files from `knowledge import`. */
  action: 'seed' | 'publish' | 'rollback' | 'import';
  /** The organisations whose facts it changed. */
  orgs: string[];
  /** A rollback: the version whose facts it brought back. */
  restores?: number;
  kb: KnowledgeBase;
}

export type VersionSummary = Omit<KnowledgeVersion, 'kb'>;

/** The scope of a draft that holds the whole knowledge (an import kept as a draft): no organisation id has an underscore. */
export const WHOLE = '_all';

/** A change not yet published: one organisation's facts (its section), or the whole knowledge (WHOLE). */
export interface KnowledgeDraft {
  /** An organisation's id, or WHOLE. */
  scope: string;
  /** 1 for a new draft, then one more with each save: a save names the revision it edits, so that two people never overwrite each other unseen. */
  revision: number;
  /** The version it was started from (0: the files). */
  basedOn: number;
  by: string;
  at: string;
  kb: KnowledgeBase;
}

export type DraftSummary = Omit<KnowledgeDraft, 'kb'>;

/** What staff did: saved or discarded a draft, published, rolled back, imported; seed: the files kept as version 1 on the first publication. */
export interface KnowledgeLogEntry {
  at: string;
  actor: string;
  action: 'draft' | 'discard' | 'publish' | 'rollback' | 'import' | 'seed';
  scope: string;
  /** The version it made (publish, rollback, import). */
  version?: number;
}

/** Why a publication was not kept: another version came first (publish again on top of it), or the draft changed since it was read. */
export type PublishOutcome = 'published' | 'head-moved' | 'draft-changed';

export interface KnowledgeRepository {
  /** The number of the version in service (0: none yet, the files serve). */
  head(): Promise<number>;
  version(n: number): Promise<KnowledgeVersion | undefined>;
  /** Versions from+1 to `to` without their facts, oldest first (the list is read a page at a time: src/http/paging.ts). */
  versions(from: number, to: number): Promise<VersionSummary[]>;
  /**
   * Keeps `version` as the one in service, atomically: only if it is the next after the head, and
   * (with `draft`) only if that draft is still at that revision, which goes in the same step.
   */
  publish(version: KnowledgeVersion, log: KnowledgeLogEntry, draft?: { scope: string; revision: number }): Promise<PublishOutcome>;
  draft(scope: string): Promise<KnowledgeDraft | undefined>;
  drafts(): Promise<DraftSummary[]>;
  /** Keeps the draft if the one there is at `draft.revision - 1` (none for 1); false when another save came first. */
  saveDraft(draft: KnowledgeDraft, log: KnowledgeLogEntry): Promise<boolean>;
  /** Removes the scope's draft; false when there was none. */
  discardDraft(scope: string, log: KnowledgeLogEntry): Promise<boolean>;
  /** How many entries the log holds. */
  logSize(): Promise<number>;
  /** The log's entries at positions from..to-1 (0 the oldest), oldest first. */
  logRange(from: number, to: number): Promise<KnowledgeLogEntry[]>;
}

export const summary = ({ kb: _kb, ...rest }: KnowledgeVersion): VersionSummary => rest;
export const draftSummary = ({ kb: _kb, ...rest }: KnowledgeDraft): DraftSummary => rest;
