import { Composer, type Api, type Context } from 'grammy';
import type { Logger } from 'pino';
import type { TelegramPort } from './port.js';
import type { Reply } from '../../domain/types.js';
import { OUT_OF_SCOPE } from '../../nlu/index.js';
import { inlineKeyboard, langHint, parseCallbackData, splitMessage } from './format.js';
import type { QuickReplyMemory } from './quick-replies.js';

/** Each command is a turn of the dialogue core with its intent named (no classification). */
export const COMMANDS = {
  start: 'greeting',
  help: 'help',
  language: 'change_language',
  offices: 'office_status',
  subscribe: 'subscribe_updates',
  unsubscribe: 'unsubscribe_updates',
  forget: 'forget_data',
} as const;

export type Command = keyof typeof COMMANDS;

/** The web chat's limit (its route schema), in code points: longer texts are not read at all. */
export const MAX_TEXT_CHARS = 2000;

const tooLong = (text: string) => text.length > MAX_TEXT_CHARS && Array.from(text).length > MAX_TEXT_CHARS;

/** "@citizen_bot is Torrellano open?" in a group is the question without the bot's name. */
function withoutMention(text: string, username: string): string {
  // Usernames are letters, digits and underscores: nothing to escape.
  return text.replace(new RegExp(`@${username}(?!\\w)`, 'i'), '').trim();
}

/**
 * Sends an answer as plain text (no parse_mode, so nothing in the knowledge base or in what a
 * user typed can turn into markup), split to Telegram's length limit; the quick replies become
 * an inline keyboard under the last part.
 */
export async function sendReply(api: Api, chatId: number | string, reply: Reply, memory: QuickReplyMemory): Promise<void> {
  const parts = splitMessage(reply.text);
  const markup = parts.length > 0 && reply.quickReplies.length > 0 ? inlineKeyboard(reply.quickReplies, await memory.remember(chatId, reply.quickReplies)) : undefined;
  for (const [i, part] of parts.entries()) {
    await api.sendMessage(chatId, part, i === parts.length - 1 && markup ? { reply_markup: markup } : {});
  }
}

/** The label of a pressed button, read from the message it hangs under (for keyboards no longer remembered). */
function pressedLabel(ctx: Context, data: string): string | undefined {
  const message = ctx.callbackQuery?.message;
  const rows = message && 'reply_markup' in message ? message.reply_markup?.inline_keyboard : undefined;
  return rows?.flat().find((b) => 'callback_data' in b && b.callback_data === data)?.text;
}

/**
 * The bot's behaviour on Telegram: commands, text messages and button presses, each handed to
 * the dialogue core with the chat as the session and the user's language_code as a hint.
 */
export function telegramHandlers(bot: TelegramPort, memory: QuickReplyMemory, log: Logger): Composer<Context> {
  const handlers = new Composer<Context>();

  const converse = async (ctx: Context, text: string, intent?: string, org?: string): Promise<void> => {
    const chat = ctx.chat;
    if (!chat) return; // inline queries and the like have no conversation to answer in
    const hint = langHint(ctx.from?.language_code, bot.texts.langs);
    if (tooLong(text)) {
      const t = bot.texts.t(hint ?? bot.config.DEFAULT_LANG);
      return sendReply(ctx.api, chat.id, { text: t('telegram.too_long', { max: MAX_TEXT_CHARS }), quickReplies: [] }, memory);
    }
    const result = await bot.chat({ sessionId: String(chat.id), text, channel: 'telegram', langHint: hint, intent, org });
    await sendReply(ctx.api, chat.id, result.reply, memory);
  };

  // /start greets, then offers the language buttons. A deep link (t.me/<bot>?start=paiporta)
  // names the council or agency: the chat is about it until the citizen names another.
  handlers.command('start', async (ctx) => {
    const payload = ctx.match.trim();
    const org = bot.knowledge.organisation(payload) ? payload : undefined;
    await converse(ctx, '', COMMANDS.start, org);
    await converse(ctx, '', COMMANDS.language);
  });
  // The other commands take what follows them as the message ("/subscribe Torrellano").
  // /forget erases the chat's conversation, subscriptions and notices (ChatCore does it for forget_data).
  for (const command of ['help', 'language', 'offices', 'subscribe', 'unsubscribe', 'forget'] as const) {
    handlers.command(command, (ctx) => converse(ctx, ctx.match.trim(), COMMANDS[command]));
  }

  // In an organisation's staff group, a reply to a hand-over's post answers its citizen (`/close` closes it).
  handlers.on('message:text', async (ctx, next) => {
    const replied = ctx.message.reply_to_message;
    if (ctx.chat.type === 'private' || !replied) return next();
    const by = `telegram:${ctx.from.username ?? ctx.from.id}`;
    if (!(await bot.handoffs.fromGroup(String(ctx.chat.id), replied.message_id, withoutMention(ctx.message.text, ctx.me.username), by))) return next();
  });
  handlers.on('message:text', (ctx) => converse(ctx, withoutMention(ctx.message.text, ctx.me.username)));
  handlers.on('message:caption', (ctx) => converse(ctx, withoutMention(ctx.message.caption, ctx.me.username)));
  // Stickers, photos, voice notes: say what the bot can do rather than stay silent.
  handlers.on('message', (ctx) => (ctx.chat.type === 'private' ? converse(ctx, '', OUT_OF_SCOPE) : undefined));

  // A button press is the user's choice, as if they had typed the button's text.
  handlers.on('callback_query:data', async (ctx) => {
    await ctx.answerCallbackQuery();
    const data = ctx.callbackQuery.data;
    const ref = parseCallbackData(data);
    const chatId = ctx.chat?.id;
    const choice = ref && chatId !== undefined ? await memory.recall(chatId, ref.keyboardId, ref.index) : undefined;
    const text = choice?.text ?? pressedLabel(ctx, data);
    if (text) await converse(ctx, text);
    else log.debug({ updateId: ctx.update.update_id, chatId }, 'telegram button no longer known');
  });

  return handlers;
}
