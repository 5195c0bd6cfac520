/**
 * Who has been told of each status change, for a short while, so that a change undone can be
 * corrected with exactly those people (src/features/status/live-offices.ts, undo). Both operations are atomic
 * on their store: a delivery is either recorded before the change was withdrawn (then the undo's
 * correction reaches it) or refused after (then the notice is not sent at all).
 */
export interface NoticeLogRepository {
  /**
   * Before delivering a change's notice to these subscribers (address keys, `channel:id`): records
   * them as told, unless the change was withdrawn. false: withdrawn, deliver nothing.
   */
  tell(changeId: string, addressKeys: string[]): Promise<boolean>;
  /** Withdraws a change: no delivery of it is made from now on. Returns who was told of it before. */
  withdraw(changeId: string): Promise<string[]>;
}

/** How long who was told is kept: the undo window (10 minutes) with room to spare. */
export const TOLD_KEPT_MS = 30 * 60_000;
/** How long a withdrawn change stays withdrawn: longer than any delivery waits for its retries. */
export const WITHDRAWN_KEPT_MS = 2 * 86_400_000;
