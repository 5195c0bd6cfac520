import type { Written } from '../../knowledge/freshness.js';
import fs from 'node:fs';
import path from 'node:path';
import type { Knowledge, StatusChange } from '../../knowledge/knowledge.js';
import type { Lang, Office, Text } from '../../knowledge/schema.js';
import type { Texts } from '../../shared/i18n.js';
import { officeStatus } from '../../conversation/answers/status.js';
import { addressKey, type Subscriber } from '../../storage/index.js';
import type { LiveStatus } from '../status/live-offices.js';
import { noticeText } from '../notifications/notice-text.js';

/** Who a notice reaches: how many, on which channels, in which languages. */
export interface Audience {
  total: number;
  channels: Record<string, number>;
  langs: Record<string, number>;
}

/** Counts subscribers (of several offices: each address once, as the fan-out sends). */
export function audience(subscribers: Subscriber[]): Audience {
  const once = new Map(subscribers.map((s) => [addressKey(s.address), s]));
  const out: Audience = { total: once.size, channels: {}, langs: {} };
  for (const { address, lang } of once.values()) {
    out.channels[address.channel] = (out.channels[address.channel] ?? 0) + 1;
    out.langs[lang] = (out.langs[lang] ?? 0) + 1;
  }
  return out;
}

const perLang = (texts: Texts, text: (lang: Lang) => string): Record<string, string> => Object.fromEntries(texts.langs.map((lang) => [lang, text(lang)]));

export interface StatusPreview {
  /** The office as it would be. */
  office: Office;
  /** The note in force now is not kept (a new status without a note). */
  noteCleared: boolean;
  /** What the bot answers, per language, to a citizen who asks about the office. */
  answers: Record<string, string>;
  /** What each subscriber would get, per language. */
  notices: Record<string, string>;
}

const hasNote = (notes: Text) => Object.values(notes).some((n) => n?.trim());

/**
 * A status change tried on a copy of the knowledge: the answers and notices come from the same
 * functions that answer citizens and notify subscribers, and nothing is saved, served or sent.
 */
export async function previewStatus(live: LiveStatus, texts: Texts, id: string, change: StatusChange): Promise<StatusPreview> {
  const { before, knowledge, office } = (await live.tryOn(id, change))!;
  return {
    office,
    noteCleared: hasNote(before.notes) && !hasNote(office.notes),
    answers: perLang(texts, (lang) => officeStatus({ k: knowledge, t: texts.t(lang), lang }, office)),
    notices: perLang(texts, (lang) => noticeText(knowledge, texts.t(lang), lang, office)),
  };
}

/** An announcement as each subscriber would read it, per language (a language without its text gets the organisation's, marked). */
export function previewAnnouncement(k: Knowledge, texts: Texts, announcement: { org: string; office?: string; texts: Text; written?: Written }, office: Office): Record<string, string> {
  return perLang(texts, (lang) => noticeText(k, texts.t(lang), lang, { ...office, announcement: { id: 'preview', ...announcement } } as Office));
}

/** A question put to the bot in a preview: its answer with the facts in service, and with the change. */
export interface AnswerPreview {
  lang: Lang;
  question: string;
  now: string;
  after: string;
}

/**
 * Questions answered on the knowledge in service and on a copy with the change: the real dialogue
 * each time (a first message of a conversation about `org`), and nothing is kept.
 */
export async function previewAnswers(
  ask: (k: Knowledge, text: string, lang: Lang, org?: string) => Promise<string>,
  now: Knowledge,
  after: Knowledge,
  questions: { lang: Lang; text: string }[],
  org?: string,
): Promise<AnswerPreview[]> {
  return Promise.all(questions.map(async ({ lang, text }) => ({ lang, question: text, now: await ask(now, text, lang, org), after: await ask(after, text, lang, org) })));
}

const asked = new Map<string, string[]>();

/** The questions a preview asks in a language (`knowledge.ask` of locales/<lang>/console.json): what citizens ask most. */
export function previewQuestions(localesDir: string, lang: Lang): string[] {
  const file = path.join(localesDir, lang, 'console.json');
  if (!asked.has(file)) {
    const texts = JSON.parse(fs.readFileSync(file, 'utf8')) as { knowledge?: { ask?: Record<string, string> } };
    asked.set(file, Object.values(texts.knowledge?.ask ?? {}));
  }
  return asked.get(file)!;
}
