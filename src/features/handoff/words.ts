import type { Lang, Organisation } from '../../knowledge/schema.js';
import type { Handoff } from '../../storage/index.js';
import type { Texts } from '../../shared/i18n.js';
import { lines, nameValues } from '../../conversation/context.js';

/** Lowercase, without accents, punctuation or extra spaces: "¡Volver al asistente!" is "volver al asistente". */
const plain = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}/' ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

const returnWords = new WeakMap<Texts, Set<string>>();

/** "/bot", or the words to return to the bot in any of the languages (locales' handoff.return_words, separated by |). */
export function isReturn(text: string, texts: Texts): boolean {
  let words = returnWords.get(texts);
  if (!words) returnWords.set(texts, (words = new Set(['/bot', ...texts.langs.flatMap((l) => texts.t(l)('handoff.return_words').split('|').map(plain))])));
  return words.has(plain(text).replace(/^(\/bot)@\w+$/, '$1'));
}

/** The staff group's post of a new hand-over: who, where, in which language, the transcript and how to answer. */
export function groupPost(texts: Texts, lang: Lang, h: Handoff, org: Organisation): string {
  const t = texts.t(lang);
  const said = h.messages.map((m) => `${t(`handoff.group.${m.from}`)} ${m.text}`);
  return lines(t('handoff.group.new', { ...nameValues(lang, undefined, org), channel: h.address.channel, language: texts.t(h.lang)('language.self') }), ...said, t('handoff.group.how'));
}

/** A citizen's message of an open hand-over, for the staff group. */
export const groupMessage = (texts: Texts, lang: Lang, text: string) => `${texts.t(lang)('handoff.group.citizen')} ${text}`;
