import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { inLang, meta, orgName, t, when } from '../i18n.js';
import { errorText, filled, Loading, Notice, PageTitle, TextsByLanguage, useLoad } from '../ui.js';

const STATUSES = ['open', 'limited', 'closed', 'reopening'];
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** An ISO date-time as a datetime-local input's value, in this browser's time zone. */
function localInput(iso) {
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The office's expected reopening as the form holds it: none, a date-time, or words. */
function reopeningForm(value) {
  if (typeof value === 'string' && ISO_TIME.test(value)) return { kind: 'date', date: localInput(value), text: '' };
  const text = inLang(value);
  return text ? { kind: 'text', date: '', text } : { kind: 'none', date: '', text: '' };
}

function reopeningValue(form) {
  if (form.kind === 'date' && form.date) return new Date(form.date).toISOString();
  if (form.kind === 'text') return form.text.trim();
  return '';
}

/** How the office's reopening reads on the board. */
function reopeningShown(value) {
  if (typeof value === 'string' && ISO_TIME.test(value)) return when(value);
  return inLang(value);
}

/** How many a change notifies now (the board's count); null if the server does not say. */
const subscribersOf = (office) => (typeof office.subscribers === 'number' ? office.subscribers : null);

export function Board({ session, onExpired }) {
  const [data, error, reload] = useLoad(() => api('GET', '/api/admin/offices'), onExpired);
  if (error) return html`<${PageTitle}>${t('board.title')}<//><p role="alert">${errorText(error)}</p>`;
  if (!data) return html`<${PageTitle}>${t('board.title')}<//><${Loading} />`;
  const orgs = [...new Set(data.offices.map((o) => o.organisation))];
  return html`
    <${PageTitle}>${t('board.title')}<//>
    <p class="intro">${t('board.intro')}</p>
    ${orgs.length === 0 && html`<p>${t('board.none')}</p>`}
    ${orgs.map(
      (org) => html`<section class="org" aria-labelledby=${`org-${org}`}>
        <h2 id=${`org-${org}`}>${orgName(org)}</h2>
        <div class="cards">
          ${data.offices.filter((o) => o.organisation === org).map((office) => html`<${OfficeCard} key=${office.id} office=${office} onSaved=${reload} readOnly=${session.role === 'viewer'} />`)}
        </div>
      </section>`,
    )}
  `;
}

function OfficeCard({ office, onSaved, readOnly }) {
  const name = inLang(office.name);
  const id = office.id;
  const [status, setStatus] = useState(office.status);
  const [reopening, setReopening] = useState(reopeningForm(office.expectedReopening));
  const [notes, setNotes] = useState({ ...office.notes });
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);
  const subscribers = subscribersOf(office);
  const defaultLang = meta.organisations.find((o) => o.id === office.organisation)?.lang;

  const save = async (e) => {
    e.preventDefault();
    const change = {};
    if (status !== office.status) change.status = status;
    const expected = reopeningValue(reopening);
    if (expected !== reopeningValue(reopeningForm(office.expectedReopening))) change.expectedReopening = expected;
    const before = filled(office.notes ?? {});
    const after = filled(notes);
    // The note is sent whole (it replaces the one before in every language): a language emptied is left out.
    if (JSON.stringify(before) !== JSON.stringify(after)) change.note = after;
    if (!Object.keys(change).length) return setNotice({ text: t('board.unchanged') });
    setBusy(true);
    setNotice(null);
    try {
      const { office: saved } = await api('PATCH', `/api/admin/offices/${encodeURIComponent(id)}`, change);
      const state = t(`status.${saved.status}`);
      setNotice({ text: subscribers === null ? t('board.saved', { office: name, status: state }) : t('board.savedNotified', { office: name, status: state, count: subscribers }) });
      onSaved();
    } catch (err) {
      setNotice({ error: true, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  const since = office.updatedAt ? (office.updatedBy ? t('board.sinceBy', { when: when(office.updatedAt), who: office.updatedBy }) : t('board.since', { when: when(office.updatedAt) })) : t('board.never');
  const expectedNow = reopeningShown(office.expectedReopening);
  const noteNow = inLang(office.notes);
  return html`<article class="card office" aria-labelledby=${`name-${id}`} data-office=${id}>
    <h3 id=${`name-${id}`}>${name}</h3>
    <p class="state"><span class=${`badge ${office.status}`}>${t(`status.${office.status}`)}</span> <span class="since">${since}</span></p>
    ${expectedNow && html`<p class="expected">${t('board.expected', { when: expectedNow })}</p>`}
    ${noteNow && html`<p class="note">${t('board.currentNote', { note: noteNow })}</p>`}
    ${readOnly ? html`<p class="subscribers">${t('board.subscribersNow', { count: subscribers ?? 0 })}</p>` : html`<form onSubmit=${save}>
      <div class="field">
        <label for=${`status-${id}`}>${t('board.statusLabel')}</label>
        <select id=${`status-${id}`} value=${status} onChange=${(e) => setStatus(e.currentTarget.value)}>
          ${STATUSES.map((s) => html`<option value=${s}>${t(`status.${s}`)}</option>`)}
        </select>
      </div>
      <details>
        <summary>${t('board.details')}</summary>
        <fieldset class="reopening">
          <legend>${t('board.reopening')}</legend>
          ${['none', 'date', 'text'].map(
            (kind) => html`<label class="choice"
              ><input type="radio" name=${`kind-${id}`} value=${kind} checked=${reopening.kind === kind} onChange=${() => setReopening({ ...reopening, kind })} />
              ${t(`board.reopening_${kind}`)}</label
            >`,
          )}
          ${reopening.kind === 'date' &&
          html`<div class="field">
            <label for=${`date-${id}`}>${t('board.reopeningDateLabel')}</label>
            <input id=${`date-${id}`} type="datetime-local" required value=${reopening.date} onInput=${(e) => setReopening({ ...reopening, date: e.currentTarget.value })} />
          </div>`}
          ${reopening.kind === 'text' &&
          html`<div class="field">
            <label for=${`text-${id}`}>${t('board.reopeningTextLabel')}</label>
            <input id=${`text-${id}`} type="text" required maxlength="500" value=${reopening.text} onInput=${(e) => setReopening({ ...reopening, text: e.currentTarget.value })} />
          </div>`}
        </fieldset>
        <fieldset>
          <legend>${t('board.note')}</legend>
          <p class="hint">${t('board.noteHint')}</p>
          <${TextsByLanguage} idPrefix=${`note-${id}`} values=${notes} onInput=${setNotes} first=${defaultLang} />
        </fieldset>
      </details>
      <p class="subscribers">${subscribers === null ? t('board.subscribersUnknown') : t('board.subscribers', { count: subscribers })}</p>
      <${Notice} notice=${notice} />
      <button type="submit" disabled=${busy}>${busy ? t('board.saving') : t('board.save')}<span class="sr-only"> ${name}</span></button>
    </form>`}
  </article>`;
}
