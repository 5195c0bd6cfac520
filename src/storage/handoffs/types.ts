import type { Address } from '../../domain/types.js';
import type { Lang } from '../../knowledge/schema.js';
import { DAY_MS, type Retention } from '../types.js';

/**
 * Hand-overs to staff: a conversation with its organisation, channel, the citizen's language,
 * the transcript and its messages since, and a status. Each change is atomic on its store (a
 * transaction on SQLite, one Lua script on Redis), so two instances never undo each other's.
 */

export const HANDOFF_STATUSES = ['waiting', 'assigned', 'closed'] as const;
export type HandoffStatus = (typeof HANDOFF_STATUSES)[number];

export interface HandoffMessage {
  at: string;
  from: 'citizen' | 'bot' | 'staff';
  text: string;
  /** The staff member who wrote it (a username, api-token, or a Telegram user). */
  by?: string;
}

export interface Handoff {
  id: string;
  org: string;
  address: Address;
  lang: Lang;
  status: HandoffStatus;
  /** Who took it (status assigned). */
  assignee?: string;
  createdAt: string;
  /** The last message or change: the queue is sorted by it, newest first. */
  activityAt: string;
  closedAt?: string;
  /** When the citizen was told nobody is free (once). */
  waitNoticeAt?: string;
  /** How many of `messages` are the transcript from before the hand-over. */
  transcript: number;
  messages: HandoffMessage[];
  /** The staff group's messages about it (`chatId:messageId`): a reply to one answers the citizen. */
  posts: string[];
}

export type HandoffChange =
  | { kind: 'append'; message: HandoffMessage }
  | { kind: 'assign'; by: string }
  | { kind: 'close' }
  /** The citizen is told nobody is free: only once, and only while it waits. */
  | { kind: 'told' }
  | { kind: 'post'; post: string };

export interface HandoffRepository {
  /** Opens one for its address; when the address has one open already, that one (created false). */
  open(handoff: Handoff): Promise<{ handoff: Handoff; created: boolean }>;
  get(id: string): Promise<Handoff | undefined>;
  /** The address's open conversation. */
  openFor(address: Address): Promise<Handoff | undefined>;
  /** Those in these statuses, newest activity first. */
  list(statuses: readonly HandoffStatus[]): Promise<Handoff[]>;
  /** Applies a change to an open conversation; undefined when there is none or the change does not apply. */
  change(id: string, change: HandoffChange, at: string): Promise<Handoff | undefined>;
  /** The conversation a staff group's message (`chatId:messageId`) belongs to. */
  byPost(post: string): Promise<string | undefined>;
  /** Deletes every conversation of the address, open or closed, with its transcript (erasure, GDPR art. 17); how many. */
  erase(address: Address): Promise<number>;
}

/** The change applied to a copy, or undefined when it does not apply (memory and SQLite; Redis does the same in Lua). */
export function applyChange(h: Handoff, change: HandoffChange, at: string): Handoff | undefined {
  if (h.status === 'closed') return undefined;
  const next: Handoff = { ...h, messages: [...h.messages], posts: [...h.posts] };
  switch (change.kind) {
    case 'append':
      next.messages.push(change.message);
      next.activityAt = at;
      break;
    case 'assign':
      next.status = 'assigned';
      next.assignee = change.by;
      next.activityAt = at;
      break;
    case 'close':
      next.status = 'closed';
      next.closedAt = at;
      next.activityAt = at;
      break;
    case 'told':
      if (h.status !== 'waiting' || h.waitNoticeAt) return undefined;
      next.waitNoticeAt = at;
      break;
    case 'post':
      next.posts.push(change.post);
      break;
  }
  return next;
}

/** Closed before this (ms) and so deleted. */
export const handoffCutoff = (r: Retention) => r.now() - r.handoffDays * DAY_MS;

export const byActivity = (a: Handoff, b: Handoff) => (a.activityAt < b.activityAt ? 1 : a.activityAt > b.activityAt ? -1 : 0);
