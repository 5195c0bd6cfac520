import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, ApiError } from '../api.js';
import { t, when } from '../i18n.js';
import { errorText, langName, Loading, Notice, PageTitle } from '../ui.js';

/** The queue is read again this often: a new hand-over or a citizen's message shows within seconds, without a reload. */
const REFRESH_MS = 3000;

/** Hand-overs to staff: the queue of my organisations (newest activity first), one conversation, reply, close. */
export function Handoffs({ onExpired }) {
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
  }, []);
  if (error && !queue) return html`<${PageTitle}>${t('handoffs.title')}<//><p role="alert">${errorText(error)}</p>`;
  if (!queue) return html`<${PageTitle}>${t('handoffs.title')}<//><${Loading} />`;
  const open = queue.find((h) => h.id === openId);
  return html`
    <${PageTitle}>${t('handoffs.title')}<//>
    <p class="intro">${t('handoffs.intro')}</p>
    ${queue.length === 0
      ? html`<p class="handoffs-empty">${t('handoffs.empty')}</p>`
      : html`<ul class="entries handoff-queue" aria-live="polite">
          ${queue.map(
            (h) => html`<li class="card entry handoff" data-id=${h.id}>
              <p class="entry-head">
                <strong>${t(`handoffs.status.${h.status}`)}</strong> · <span>${langName(h.lang)}</span> · <span>${h.channel}</span> · <span>${when(h.activityAt)}</span>
                ${h.assignee && html` · <span>${t('handoffs.takenBy', { username: h.assignee })}</span>`}
              </p>
              <p class="handoff-last">${h.messages.at(-1)?.text ?? ''}</p>
              <button type="button" class="secondary" aria-expanded=${h.id === openId} onClick=${() => setOpenId(h.id === openId ? undefined : h.id)}>${t('handoffs.read')}</button>
            </li>`,
          )}
        </ul>`}
    ${open && html`<${Conversation} key=${open.id} handoff=${open} onChanged=${load} />`}
  `;
}

function Conversation({ handoff, onChanged }) {
  const [text, setText] = useState('');
  const [notice, setNotice] = useState(undefined);
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
  return html`<section class="card conversation" aria-label=${t('handoffs.conversation')}>
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
      <button type="button" class="secondary" onClick=${() => act('close', undefined, 'handoffs.closed')}>${t('handoffs.close')}</button>
    </form>
    <${Notice} notice=${notice} />
  </section>`;
}
