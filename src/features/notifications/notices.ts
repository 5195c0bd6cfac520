// What a notice is and how its delivery reports, shared by the notifier (notifier.ts) and the
// Redis queue it hands deliveries to (notice-queue.ts).
import { randomBytes } from 'node:crypto';
import { officeSchema, type Lang, type Office, type Service, type Text } from '../../knowledge/schema.js';
import type { Written } from '../../knowledge/freshness.js';
import type { Address } from '../../domain/types.js';

export type Sender = (address: Address, text: string) => Promise<void>;
export type Render = (office: Office, lang: Lang) => string;

/** What the notifier reports (metrics, logs: never the notice's text). */
export interface NotifierEvents {
  delivered(channel: Address['channel'], n: number): void;
  /** A delivery that failed and will be made again later (429, 5xx, Telegram unreachable). */
  retried(channel: Address['channel'], err: unknown): void;
  /** A delivery given up (the chat blocked the bot, or no more attempts left). */
  failed(channel: Address['channel'], err: unknown, address: Address): void;
  /** Deliveries of an announcement made (its count of how many it reached). */
  announced?(announcementId: string, n: number): void;
}

/** What an announcement says, in some languages, and to whom (one office, or all of an organisation's). */
export interface AnnouncementText {
  id: string;
  org: string;
  office?: string;
  texts: Text;
  /** When each language was last written (src/knowledge/freshness.ts): a stale one is sent as the changed one, marked. */
  written?: Written;
}

/**
 * An announcement travels through the outbox and the queue as its change's office snapshot with
 * the announcement added: both keep and return that snapshot whole (JSON), so it survives a restart.
 */
export type Notice = Office & { announcement?: AnnouncementText; correction?: Correction; aboutService?: Service; post?: Post };
export const isAnnouncement = (office: Office): boolean => !!(office as Notice).announcement;

/** A text of an organisation for its Telegram channel only (a crisis notice): no subscriber gets it. */
export interface Post {
  org: string;
  texts: Text;
  /** When each language was last written (src/knowledge/freshness.ts): a stale one is posted as the changed one, marked. */
  written?: Written;
  /** A crisis notice: headed as a conversation's first reply heads it. */
  crisis?: boolean;
}

/**
 * The office-shaped record a notice about no office travels as (a service's change, a post to a
 * channel): the outbox and the queue keep a notice as an office snapshot with what it is about added.
 */
export function carrier(id: string, organisation: string, name: Text): Office {
  return officeSchema.parse({ id, organisation, name, status: 'open' });
}

/** An undone change's correction: the change it corrects, and who was told of it (address keys), the only ones it goes to. */
export interface Correction {
  of: string;
  recipients: string[];
}

/** Who gets this notice, by address key: a correction only those told of the change it corrects (a set: the lists may be long). */
export function recipientTest(office: Office): (addressKey: string) => boolean {
  const { correction } = office as Notice;
  if (!correction) return () => true;
  const told = new Set(correction.recipients);
  return (key) => told.has(key);
}
export const noEvents: NotifierEvents = { delivered() {}, retried() {}, failed() {} };

/** Change ids sort in the order the changes were made: a web inbox shows its notices in that order. */
export const newChangeId = () => `${Date.now().toString(36).padStart(9, '0')}-${randomBytes(4).toString('hex')}`;

/** Telegram refused for good (blocked, chat not found, bad request): trying again changes nothing. */
export function isPermanent(err: unknown): boolean {
  const code = (err as { error_code?: unknown })?.error_code;
  return typeof code === 'number' && code >= 400 && code < 500 && code !== 429;
}
