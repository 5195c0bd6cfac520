import { Composer, type Context } from 'grammy';
import type { Logger } from 'pino';
import { z } from 'zod';

/** The update_ids already handled, so that a redelivered update is answered once. */
export interface SeenUpdates {
  /** True the first time an id is offered, false after. */
  firstTime(updateId: number): boolean | Promise<boolean>;
}

/**
 * The last `keep` update_ids, in this process. Telegram redelivers to the instance that failed
 * to confirm, within minutes; several instances sharing one bot would keep them in the store.
 */
export class RecentUpdates implements SeenUpdates {
  private readonly ids = new Set<number>();

  constructor(private readonly keep = 10_000) {}

  firstTime(updateId: number): boolean {
    if (this.ids.has(updateId)) return false;
    this.ids.add(updateId);
    // A Set iterates in insertion order: the first id is the oldest.
    if (this.ids.size > this.keep) this.ids.delete(this.ids.values().next().value!);
    return true;
  }
}

const id = z.int();
const chat = z.looseObject({ id, type: z.enum(['private', 'group', 'supergroup', 'channel']) });
const user = z.looseObject({ id, is_bot: z.boolean().optional(), language_code: z.string().optional() });
const entity = z.looseObject({ type: z.string(), offset: z.int().nonnegative(), length: z.int().nonnegative(), user: user.optional() });

/** What the handlers read of an update, so that nothing else (a chat.id that is an object) reaches the API. */
const UpdateSchema = z.looseObject({
  update_id: z.int().nonnegative(),
  message: z
    .looseObject({
      chat,
      from: user.optional(),
      text: z.string().optional(),
      caption: z.string().optional(),
      entities: z.array(entity).optional(),
      caption_entities: z.array(entity).optional(),
      reply_to_message: z.looseObject({ message_id: id.optional(), from: user.optional() }).optional(),
    })
    .optional(),
  callback_query: z
    .looseObject({ id: z.string(), from: user, data: z.string().optional(), message: z.looseObject({ chat }).optional() })
    .optional(),
});

/**
 * In a group the bot speaks only when spoken to: a command (its own, if it names a bot), a
 * mention, a reply to one of its messages, a press on one of its buttons.
 */
function addressed(ctx: Context): boolean {
  const message = ctx.message;
  if (!message || message.chat.type === 'private') return true;
  const me = ctx.me;
  if (message.reply_to_message?.from?.id === me.id) return true;
  const text = message.text ?? message.caption ?? '';
  const entities = message.entities ?? message.caption_entities ?? [];
  return entities.some((e) => {
    const word = text.slice(e.offset, e.offset + e.length).toLowerCase();
    const mine = `@${me.username.toLowerCase()}`;
    if (e.type === 'mention') return word === mine;
    if (e.type === 'text_mention') return e.user.id === me.id;
    return e.type === 'bot_command' && e.offset === 0 && (!word.includes('@') || word.endsWith(mine));
  });
}

/**
 * Runs before the handlers: an update that does not match the schema is refused, one already
 * seen is skipped, and group messages not meant for the bot are ignored. Logs ids only.
 */
export function telegramGuard(seen: SeenUpdates, log: Logger): Composer<Context> {
  const guard = new Composer<Context>();
  guard.use(async (ctx, next) => {
    const parsed = UpdateSchema.safeParse(ctx.update);
    if (!parsed.success) {
      // Field names, never values: a malformed update may still carry a message's text.
      const fields = parsed.error.issues.map((issue) => issue.path.join('.'));
      log.warn({ updateId: Number.isSafeInteger(ctx.update.update_id) ? ctx.update.update_id : undefined, fields }, 'telegram update refused');
      return;
    }
    if (!(await seen.firstTime(ctx.update.update_id))) {
      log.debug({ updateId: ctx.update.update_id }, 'telegram update already handled');
      return;
    }
    if (addressed(ctx)) await next();
  });
  return guard;
}
