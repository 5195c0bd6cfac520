import { HttpError, type Transformer } from 'grammy';
import type { Logger } from 'pino';

/** While the Bot API stays unreachable, the outage is logged again this often. */
const REMIND_EVERY_MS = 5 * 60_000;

/**
 * Watches every Bot API call for whether Telegram can be reached: a failed connection (or a
 * 5xx) is logged at once, then every few minutes while it lasts, and reported to `reachable`
 * (false: an outage, which /health and the metrics list) until a call succeeds again (true).
 * auto-retry repeats such calls without end, so without this an outage would go unseen.
 */
export class Reachability {
  private downSince?: number;
  private lastLogged = 0;

  constructor(
    private readonly log: Logger,
    private readonly reachable: (reachable: boolean) => void,
  ) {}

  readonly transformer: Transformer = async (prev, method, payload, signal) => {
    try {
      const result = await prev(method, payload, signal);
      if (!result.ok && result.error_code >= 500) this.down(method, `${result.error_code} ${result.description}`);
      else this.up();
      return result;
    } catch (err) {
      if (err instanceof HttpError && !signal?.aborted) this.down(method, err.message);
      throw err;
    }
  };

  private down(method: string, error: string): void {
    const now = Date.now();
    if (this.downSince === undefined) this.downSince = now;
    this.reachable(false);
    if (now - this.lastLogged < REMIND_EVERY_MS && this.lastLogged >= this.downSince) return;
    this.lastLogged = now;
    this.log.error({ method, error, downForS: Math.round((now - this.downSince) / 1000) }, 'telegram Bot API unreachable');
  }

  private up(): void {
    if (this.downSince === undefined) return;
    this.log.info({ downForS: Math.round((Date.now() - this.downSince) / 1000) }, 'telegram Bot API reachable again');
    this.downSince = undefined;
    this.reachable(true);
  }

  stop(): void {
    this.reachable(true);
  }
}
