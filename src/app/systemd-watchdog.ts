import { execFile } from 'node:child_process';
import type { Logger } from 'pino';
import type { ChatCore } from './chat-core.js';
import { readiness } from './readiness.js';

export interface WatchdogSettings {
  /** NOTIFY_SOCKET: set by systemd for a Type=notify unit; unset, nothing is sent. */
  socket?: string;
  /** WATCHDOG_USEC: the unit's WatchdogSec; unset, only readiness is sent. */
  watchdogUsec?: number;
}

/**
 * systemd's Type=notify and watchdog through `systemd-notify` (it ships with systemd; the unit
 * needs NotifyAccess=all, since the message comes from that child). READY=1 once the bot serves;
 * then WATCHDOG=1 at half the watchdog interval while the NLU answers: a stuck NLU or event loop
 * stops the pings and systemd restarts the bot. A store outage does not: the bot serves from
 * memory meanwhile and a restart would not bring Redis back (/health/ready reports it).
 */
export function systemdWatchdog(settings: WatchdogSettings, getCore: () => ChatCore | undefined, log: Logger): { ready(): void; stop(): void } {
  if (!settings.socket) return { ready() {}, stop() {} };
  // Its whole environment: where to send (the default PATH finds it in /usr/bin or /bin).
  const env = { NOTIFY_SOCKET: settings.socket };
  const notify = (...args: string[]) =>
    execFile('systemd-notify', args, { env, timeout: 5_000 }, (err) => {
      if (err) log.warn({ error: err.message }, 'systemd-notify failed');
    });
  let timer: NodeJS.Timeout | undefined;
  return {
    ready() {
      notify('--ready', '--status=serving');
      if (!settings.watchdogUsec) return;
      timer = setInterval(async () => {
        const { checks } = await readiness(getCore());
        if (checks.nlu === 'ok') notify('WATCHDOG=1');
        else log.error({ nlu: checks.nlu }, 'the NLU does not answer: no watchdog ping');
      }, settings.watchdogUsec / 2000);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      notify('STOPPING=1');
    },
  };
}
