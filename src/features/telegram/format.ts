import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Lang } from '../../knowledge/schema.js';
import type { QuickReply } from '../../domain/types.js';

/** Telegram refuses messages longer than this (UTF-16 code units, which is what String#length counts). */
export const MAX_MESSAGE_LENGTH = 4096;

/**
 * Splits an answer into messages Telegram accepts: at line breaks when it can, at a space inside
 * an over-long line, and never inside a surrogate pair. Blank chunks are dropped (Telegram
 * refuses empty messages).
 */
export function splitMessage(text: string, max = MAX_MESSAGE_LENGTH): string[] {
  const pieces = text.split('\n').flatMap((line) => (line.length > max ? splitLine(line, max) : [line]));
  const chunks: string[] = [];
  let current: string | undefined;
  for (const piece of pieces) {
    if (current === undefined) current = piece;
    else if (current.length + 1 + piece.length <= max) current += `\n${piece}`;
    else {
      chunks.push(current);
      current = piece;
    }
  }
  if (current !== undefined) chunks.push(current);
  return chunks.map((c) => c.replace(/^\n+|\n+$/g, '')).filter((c) => c.trim() !== '');
}

function splitLine(line: string, max: number): string[] {
  const parts: string[] = [];
  let rest = line;
  while (rest.length > max) {
    const space = rest.lastIndexOf(' ', max);
    if (space > max / 2) {
      parts.push(rest.slice(0, space));
      rest = rest.slice(space + 1);
      continue;
    }
    let cut = max;
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1; // keep an emoji's two halves together
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  parts.push(rest);
  return parts;
}

/** Telegram's language_code ("sv", "pt-br") as a hint, when the bot speaks that language. */
export function langHint(languageCode: string | undefined, langs: readonly Lang[]): Lang | undefined {
  const code = languageCode?.slice(0, 2).toLowerCase();
  return langs.find((l) => l === code);
}

/** callback_data holds 64 bytes at most: it names the remembered keyboard and the button's index. */
export function callbackData(keyboardId: string, index: number): string {
  return `qr:${keyboardId}:${index}`;
}

export function parseCallbackData(data: string): { keyboardId: string; index: number } | undefined {
  const m = /^qr:([A-Za-z0-9_-]{1,32}):(\d{1,3})$/.exec(data);
  return m ? { keyboardId: m[1], index: Number(m[2]) } : undefined;
}

/** Short labels (languages) share a row; long ones (questions, office names) get their own. */
const ROW_CHARS = 24;
const ROW_BUTTONS = 3;

export function inlineKeyboard(replies: QuickReply[], keyboardId: string): InlineKeyboardMarkup {
  const rows: { text: string; callback_data: string }[][] = [];
  replies.forEach((reply, i) => {
    const button = { text: reply.label, callback_data: callbackData(keyboardId, i) };
    const last = rows.at(-1);
    const width = last?.reduce((n, b) => n + b.text.length, 0) ?? 0;
    if (last && last.length < ROW_BUTTONS && width + button.text.length <= ROW_CHARS) last.push(button);
    else rows.push([button]);
  });
  return { inline_keyboard: rows };
}
