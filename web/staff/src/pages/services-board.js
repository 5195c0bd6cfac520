import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { currentLang, inLang, meta, orgName, t } from '../i18n.js';
import { sinceText } from '../offices.js';
import { errorText, filled, Notice, staleFrom, TextsByLanguage, useLoad } from '../ui.js';

const STATUSES = ['available', 'limited', 'unavailable'];
/** A service's name as a heading: "Il sito istituzionale…" (the knowledge base writes it as it stands inside a sentence). */
const named = (service) => {
  const name = inLang(service.name);
  return name.charAt(0).toUpperCase() + name.slice(1);
};

/** "9 May 2022": a date without a time, as staff gave it. */
const dayShown = (date) => new Intl.DateTimeFormat(currentLang(), { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));

/**
 * The services and channels of the board (website, e-office, phone help…): a card each with its
 * state, since when and by whom, expected return and note; staff change one in place. The chatbot
 * answers with it at once and its subscribers (and its organisation's Telegram channel) are told.
 */
export function ServicesBoard({ readOnly, onExpired }) {
  const [data, error, reload] = useLoad(() => api('GET', '/api/admin/services'), onExpired);
  const [editing, setEditing] = useState(null);
  const [notice, setNotice] = useState(null);
  if (!data) return error ? html`<p role="alert">${errorText(error)}</p>` : null;
  const services = data.services;
  if (services.length === 0) return null;
  const orgs = [...new Set(services.map((s) => s.organisation))];
  return html`<section class="services" aria-labelledby="services-title">
    <h2 id="services-title">${t('services.title')}</h2>
    <p class="hint">${readOnly ? t('services.introViewer') : t('services.intro')}</p>
    <${Notice} notice=${notice} />
    ${orgs.map(
      (org) => html`<div class="service-org">
        ${orgs.length > 1 && html`<h3>${orgName(org)}</h3>`}
        <ul class="cards plain">
          ${services
            .filter((s) => s.organisation === org)
            .map((s) =>
              editing === s.id
                ? html`<li key=${s.id}><${ServiceForm}
                    service=${s}
                    onCancel=${() => setEditing(null)}
                    onSaved=${(saved) => {
                      setEditing(null);
                      setNotice({ text: t('services.saved', { service: named(saved), status: t(`services.status.${saved.status}`) }) });
                      reload();
                    }}
                  /></li>`
                : html`<li key=${s.id}><${ServiceCard} service=${s} onChange=${readOnly ? null : () => setEditing(s.id)} /></li>`,
            )}
        </ul>
      </div>`,
    )}
  </section>`;
}

function ServiceCard({ service, onChange }) {
  const note = inLang(filled(service.note ?? {}));
  return html`<article class="card service-card" data-service=${service.id}>
    <h3>${named(service)}</h3>
    <p class="state"><span class=${`badge ${service.status}`}>${t(`services.status.${service.status}`)}</span> <span class="since">${sinceText(service)}</span></p>
    ${service.expected && service.status !== 'available' && html`<p>${t('services.expected', { when: dayShown(service.expected) })}</p>`}
    ${note && html`<p class="note">${t('board.currentNote', { note })}</p>`}
    <p class="subscribers">${t('board.subscribersNow', { count: service.subscribers ?? 0 })}</p>
    ${onChange && html`<button type="button" onClick=${onChange} aria-label=${t('services.changeOne', { service: inLang(service.name) })}>${t('services.change')}</button>`}
  </article>`;
}

function ServiceForm({ service, onCancel, onSaved }) {
  const first = meta.organisations.find((o) => o.id === service.organisation)?.lang;
  const live = service.status === 'unknown' ? '' : service.status;
  const [status, setStatus] = useState(live);
  const [expected, setExpected] = useState(service.expected ?? '');
  // The knowledge base's words ("is temporarily offline") are no note of staff's: the form starts empty then.
  const [notes, setNotes] = useState(service.updatedAt ? filled(service.note ?? {}) : {});
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);
  const key = service.id;
  const save = async (e) => {
    e.preventDefault();
    if (!status) return setNotice({ error: true, text: t('board.pickStatus') });
    const body = { status, expected: status === 'available' ? '' : expected, note: filled(notes) };
    setBusy(true);
    try {
      onSaved((await api('PATCH', `/api/admin/services/${encodeURIComponent(service.id)}`, body)).service);
    } catch (err) {
      setBusy(false);
      setNotice({ error: true, text: errorText(err) });
    }
  };
  return html`<form class="card editor service-form" onSubmit=${save} aria-labelledby=${`service-${key}`} data-service=${key}>
    <h3 id=${`service-${key}`}>${named(service)}</h3>
    <fieldset class="statuses">
      <legend>${t('board.newStatus')}</legend>
      ${STATUSES.map(
        (s) => html`<label class="choice big">
          <input type="radio" name=${`service-status-${key}`} value=${s} checked=${status === s} onChange=${() => setStatus(s)} />
          ${t(`services.status.${s}`)}
        </label>`,
      )}
    </fieldset>
    ${status !== 'available' &&
    html`<div class="field">
      <label for=${`expected-${key}`}>${t('services.expectedLabel')}</label>
      <input id=${`expected-${key}`} type="date" value=${expected} onInput=${(e) => setExpected(e.currentTarget.value)} />
      <p class="hint">${t('services.expectedHint')}</p>
    </div>`}
    <fieldset class="note">
      <legend>${t('board.note')}</legend>
      <p class="hint">${t('services.noteHint')}</p>
      <${TextsByLanguage} idPrefix=${`service-note-${key}`} values=${notes} onInput=${setNotes} first=${first} stale=${staleFrom(service.noteStale, service.noteWritten, service.note ?? {}, notes)} />
    </fieldset>
    <${Notice} notice=${notice} />
    <div class="actions-bar">
      <button type="submit" disabled=${busy}>${t('services.save')}</button>
      <button type="button" class="secondary" onClick=${onCancel}>${t('board.back')}</button>
    </div>
  </form>`;
}

