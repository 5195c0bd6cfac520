// The badge on every page: how many citizens wait for staff, and for how long the first of them has.
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { api } from './api.js';
import { number, t } from './i18n.js';

/** Read this often: a citizen who asks for a person shows on every open console within a few seconds. */
export const WAITING_EVERY_MS = 2000;

/** "4 min", "1 h 5 min", "30 s": how long, in the language shown. */
export function duration(seconds) {
  if (seconds < 60) return t('waiting.seconds', { n: number(Math.max(0, Math.round(seconds))) });
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return t('waiting.minutes', { n: number(minutes) });
  return t('waiting.hours', { h: number(Math.floor(minutes / 60)), m: number(minutes % 60) });
}

export function WaitingBadge({ onOpen }) {
  const [state, setState] = useState({ waiting: 0, longestWaitSeconds: 0 });
  useEffect(() => {
    let stopped = false;
    const read = async () => {
      try {
        const next = await api('GET', '/api/admin/handoffs/waiting');
        if (!stopped) setState(next);
      } catch {
        // Unreachable for now (or the session ended: the console asks to log in again); the next read tries again.
      }
    };
    read();
    const timer = setInterval(read, WAITING_EVERY_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);
  const { waiting, longestWaitSeconds } = state;
  // The count alone is announced (politely) when it changes; the wait, which changes every read, is only shown.
  return html`<p class="waiting-slot">
    <span class="sr-only" role="status">${waiting > 0 ? t('waiting.count', { count: waiting }) : ''}</span>
    ${waiting > 0 &&
    html`<a
      class="waiting"
      href="/staff/handoffs"
      data-waiting=${waiting}
      onClick=${(e) => {
        e.preventDefault();
        onOpen();
      }}
      ><span class="waiting-count">${number(waiting)}</span> ${t('waiting.label', { count: waiting, wait: duration(longestWaitSeconds) })}</a
    >`}
  </p>`;
}
