import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { meta, orgName, t, when } from '../i18n.js';
import { actorName } from '../offices.js';
import { errorText, filled, langName, Notice, staleFrom, TextsByLanguage, useLoad } from '../ui.js';

/** "2026-12-24T20:00" for an <input type="datetime-local">, in this browser's time. */
const local = (iso) => {
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

/**
 * An organisation's crisis notice: the one in force (with the languages written before the last
 * change flagged), one form to set or replace it with its end, and a button to end it now.
 */
export function CrisisNoticeForm({ orgs, onExpired }) {
  const [org, setOrg] = useState(orgs[0] ?? '');
  const [texts, setTexts] = useState(null);
  const [until, setUntil] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);
  const [data, error, reload] = useLoad(async () => {
    const res = org ? await api('GET', `/api/admin/organisations/${encodeURIComponent(org)}/notice`) : { notice: null };
    setTexts(res.notice ? { ...res.notice.text } : {});
    setUntil(res.notice ? local(res.notice.until) : '');
    return res;
  }, onExpired, [org]);
  const current = data?.notice;
  const first = meta.organisations.find((o) => o.id === org)?.lang;

  const save = async (e) => {
    e.preventDefault();
    const written = filled(texts ?? {});
    if (!Object.keys(written).length) return setNotice({ error: true, text: t('crisis.empty') });
    if (!until) return setNotice({ error: true, text: t('crisis.untilNeeded') });
    setBusy(true);
    setNotice(null);
    try {
      const res = await api('PUT', `/api/admin/organisations/${encodeURIComponent(org)}/notice`, { text: written, until: new Date(until).toISOString() });
      setNotice({ text: t('crisis.saved', { until: when(res.notice.until) }) });
      reload();
    } catch (err) {
      setNotice({ error: true, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };
  const end = async () => {
    setBusy(true);
    setNotice(null);
    try {
      await api('DELETE', `/api/admin/organisations/${encodeURIComponent(org)}/notice`);
      setNotice({ text: t('crisis.ended') });
      reload();
    } catch (err) {
      setNotice({ error: true, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  return html`<form class="card editor crisis-notice" onSubmit=${save} aria-labelledby="crisis-title" data-org=${org}>
    <h2 id="crisis-title">${t('crisis.title')}</h2>
    <p class="hint">${t('crisis.intro')}</p>
    ${orgs.length > 1 &&
    html`<div class="field">
      <label for="crisis-org">${t('crisis.org')}</label>
      <select id="crisis-org" value=${org} onChange=${(e) => setOrg(e.currentTarget.value)}>
        ${orgs.map((o) => html`<option value=${o}>${orgName(o)}</option>`)}
      </select>
    </div>`}
    ${error && html`<p class="notice-slot error" role="alert">${errorText(error)}</p>`}
    ${data &&
    (current
      ? html`<div class="in-force" data-in-force>
          <p><strong>${t('crisis.inForce', { until: when(current.until), who: actorName(current.by) })}</strong></p>
          <dl>${Object.entries(current.text).map(([lang, text]) => html`<dt>${langName(lang)}</dt><dd lang=${lang}>${text}</dd>`)}</dl>
        </div>`
      : html`<p data-in-force="none">${t('crisis.none')}</p>`)}
    ${texts &&
    html`<fieldset>
      <legend>${t('crisis.text')}</legend>
      <${TextsByLanguage} idPrefix="crisis" values=${texts} onInput=${setTexts} first=${first} maxLength=${1000} stale=${current ? staleFrom(current.stale, current.written, current.text, texts) : {}} />
    </fieldset>`}
    <div class="field">
      <label for="crisis-until">${t('crisis.until')}</label>
      <input id="crisis-until" type="datetime-local" value=${until} onInput=${(e) => setUntil(e.currentTarget.value)} />
    </div>
    <${Notice} notice=${notice} />
    <div class="actions-bar">
      <button type="submit" disabled=${busy || !texts}>${t('crisis.save')}</button>
      ${current && html`<button type="button" class="secondary" disabled=${busy} onClick=${end}>${t('crisis.end')}</button>`}
    </div>
  </form>`;
}
