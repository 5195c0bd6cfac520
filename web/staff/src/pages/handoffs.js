import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, ApiError } from '../api.js';
import { t, when } from '../i18n.js';
import { errorText, langName, Loading, Notice, PageTitle, SessionContext } from '../ui.js';
import { duration } from '../waiting.js';

/** The queue is read again this often: a new hand-over or a citizen's message shows within seconds, without a reload. */
const REFRESH_MS = 3000;

/** The citizen's last words: what the queue shows of each conversation (never staff's own reply). */
const lastFromCitizen = (h) => [...h.messages].reverse().find((m) => m.from === 'citizen')?.text ?? '';

/** Hand-overs to staff: the queue of my organisations (newest activity first), one conversation, reply, close. */
export function Handoffs({ onExpired }) {
  const { epoch } = useContext(SessionContext);
  const [queue, setQueue] = useState(undefined);
  const [error, setError] = useState(undefined);
  const [openId, setOpenId] = useState(undefined);
  // Only what changed since the last reading comes again; the rest is kept from before.
  const last = useRef({ at: undefined, byId: new Map() });
  const load = async () => {
    try {
      const { at, ids, handoffs } = await api('GET', `/api/admin/handoffs${last.current.at ? `?since=${encodeURIComponent(last.current.at)}` : ''}`);
      const byId = new Map(last.current.byId);
      for (const h of handoffs) byId.set(h.id, h);
      last.current = { at, byId: new Map(ids.map((id) => [id, byId.get(id)])) };
      setQueue(ids.map((id) => byId.get(id)).filter(Boolean));
      setError(undefined);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) onExpired?.();
      setError(err);
    }
  };
  useEffect(() => {
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, [epoch]);
  if (!queue) return html`<${PageTitle}>${t('handoffs.title')}<//>${error ? html`<p role="alert">${errorText(error)}</p>` : html`<${Loading} />`}`;
  return html`
    <${PageTitle}>${t('handoffs.title')}<//>
    <p class="intro">${t('handoffs.intro')}</p>
    ${error && html`<p class="notice-slot error" role="alert">${errorText(error)}</p>`}
    ${queue.length === 0
      ? html`<p class="handoffs-empty">${t('handoffs.empty')}</p>`
      : html`<ul class="entries handoff-queue">
          ${queue.map(
            (h) => html`<li key=${h.id} class="card entry handoff" data-id=${h.id}>
              <p class="entry-head">
                <strong>${t(`handoffs.status.${h.status}`)}</strong> · <span>${langName(h.lang)}</span> · <span>${t(`channels.${h.channel}`, { defaultValue: h.channel })}</span>
                ${h.assignee && html` · <span>${t('handoffs.takenBy', { username: h.assignee })}</span>`}
              </p>
              ${h.waitingSince
                ? html`<p class="waited" data-waiting-since=${h.waitingSince}>${t('handoffs.waitingFor', { wait: duration((Date.now() - Date.parse(h.waitingSince)) / 1000) })}</p>`
                : html`<p class="muted">${t('handoffs.answered', { when: when(h.activityAt) })}</p>`}
              <p class="handoff-last" lang=${h.lang}>${lastFromCitizen(h)}</p>
              <button type="button" class="secondary" aria-expanded=${h.id === openId} onClick=${() => setOpenId(h.id === openId ? undefined : h.id)}>
                ${h.id === openId ? t('handoffs.hide') : t('handoffs.read')}
              </button>
              ${h.id === openId && html`<${Conversation} key=${h.id} handoff=${h} onChanged=${load} onClosed=${() => setOpenId(undefined)} />`}
            </li>`,
          )}
        </ul>`}
  `;
}

function Conversation({ handoff, onChanged, onClosed }) {
  const [text, setText] = useState('');
  const [notice, setNotice] = useState(undefined);
  const [closing, setClosing] = useState(false);
  const ref = useRef(null);
  // Opened below its line in the queue: brought into view, the reader at its start.
  useEffect(() => {
    ref.current.scrollIntoView({ block: 'start' });
    ref.current.focus();
  }, []);
  const act = async (path, body, done) => {
    try {
      await api('POST', `/api/admin/handoffs/${handoff.id}/${path}`, body);
      setNotice({ text: t(done) });
      await onChanged();
      return true;
    } catch (err) {
      setNotice({ error: true, text: errorText(err) });
      return false;
    }
  };
  const send = async (e) => {
    e.preventDefault();
    if (text.trim() && (await act('messages', { text: text.trim() }, 'handoffs.sent'))) setText('');
  };
  const close = async () => {
    if (await act('close', undefined, 'handoffs.closed')) onClosed();
    setClosing(false);
  };
  return html`<section class="conversation" aria-label=${t('handoffs.conversation')} tabindex="-1" ref=${ref}>
    <ol class="plain transcript">
      ${handoff.messages.map(
        (m, i) => html`<li class=${`said said-${m.from}${i === handoff.transcript ? ' said-first' : ''}`} lang=${m.from === 'citizen' ? handoff.lang : undefined}>
          <strong>${t(`handoffs.from.${m.from}`)}${m.by ? ` (${m.by})` : ''}:</strong> ${m.text}
        </li>`,
      )}
    </ol>
    ${handoff.status === 'waiting' && html`<button type="button" onClick=${() => act('assign', undefined, 'handoffs.taken')}>${t('handoffs.take')}</button>`}
    <form onSubmit=${send}>
      <label for="handoff-reply">${t('handoffs.reply')}</label>
      <textarea id="handoff-reply" rows="3" maxlength="2000" value=${text} onInput=${(e) => setText(e.currentTarget.value)}></textarea>
      <button type="submit">${t('handoffs.send')}</button>
      ${closing
        ? html`<div class="confirm" role="group" aria-labelledby=${`close-q-${handoff.id}`}>
            <p id=${`close-q-${handoff.id}`}>${t('handoffs.closeQuestion')}</p>
            <button type="button" class="danger" onClick=${close}>${t('handoffs.closeYes')}</button>
            <button type="button" class="secondary" onClick=${() => setClosing(false)}>${t('handoffs.closeNo')}</button>
          </div>`
        : html`<button type="button" class="secondary" onClick=${() => setClosing(true)}>${t('handoffs.close')}</button>`}
    </form>
    <${Notice} notice=${notice} />
  </section>`;
}
