import { randomBytes } from 'node:crypto';
import type Keyv from 'keyv';
import type { QuickReply } from '../../domain/types.js';

interface Keyboard {
  id: string;
  replies: QuickReply[];
}

/** /start sends two keyboards at once, and people scroll up: the last few stay pressable. */
const KEEP = 5;

/**
 * The quick replies of the last keyboards sent to each chat. callback_data is limited to 64
 * bytes, too little for an office name or a question, so a button carries only the keyboard's id
 * and its index; the text it stands for is kept here (in the sessions store, so that it survives
 * a restart and is shared by several instances).
 */
export class QuickReplyMemory {
  constructor(
    private readonly store: Keyv,
    private readonly ttlMs: number,
  ) {}

  private key(chatId: number | string): string {
    return `telegram-qr:${chatId}`;
  }

  /** Keeps a keyboard's replies and returns the id its buttons carry. */
  async remember(chatId: number | string, replies: QuickReply[]): Promise<string> {
    const id = randomBytes(6).toString('base64url');
    const kept: Keyboard[] = (await this.store.get(this.key(chatId))) ?? [];
    await this.store.set(this.key(chatId), [{ id, replies }, ...kept].slice(0, KEEP), this.ttlMs);
    return id;
  }

  async recall(chatId: number | string, keyboardId: string, index: number): Promise<QuickReply | undefined> {
    const kept: Keyboard[] = (await this.store.get(this.key(chatId))) ?? [];
    return kept.find((k) => k.id === keyboardId)?.replies[index];
  }
}
