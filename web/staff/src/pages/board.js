import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { currentLang, inLang, orgName, t } from '../i18n.js';
import { sinceText, STATUSES } from '../offices.js';
import { errorText, Loading, Notice, PageTitle, useLoad } from '../ui.js';
import { ChangeEditor } from './board-editor.js';
import { ServicesBoard } from './services-board.js';

/** For the search: lower case, without accents ("altet" finds "El Altet", "placa" finds "Plaça de Crevillent"). */
const plain = (s) => String(s ?? '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const matches = (office, query) => !query || [inLang(office.name), office.id, ...Object.values(office.name ?? {}), ...Object.values(office.short ?? {})].some((s) => plain(s).includes(plain(query)));

/**
 * The status board, phone first: a compact list (office, status, since when), found by search or
 * status; a tap opens the office's change, several picked change together (a notice each). What a
 * change makes citizens read is shown before it is saved; the last one can be undone for 10 minutes.
 */
export function Board({ session, onExpired }) {
  const [data, error, reload] = useLoad(() => api('GET', '/api/admin/offices'), onExpired);
  const [query, setQuery] = useState('');
  const [only, setOnly] = useState('');
  const [picked, setPicked] = useState([]);
  const [editing, setEditing] = useState(null);
  const [last, setLast] = useState(null);
  const readOnly = session.role === 'viewer';

  if (!data) return html`<${PageTitle}>${t('board.title')}<//>${error ? html`<p role="alert">${errorText(error)}</p>` : html`<${Loading} />`}`;
  const offices = data.offices;
  const byId = (id) => offices.find((o) => o.id === id);
  if (editing) {
    const chosen = editing.map(byId).filter(Boolean);
    return html`<${PageTitle}>${t('board.title')}<//>
      <${ChangeEditor}
        offices=${chosen}
        readOnly=${readOnly}
        onCancel=${() => setEditing(null)}
        onSaved=${(change) => {
          setEditing(null);
          setPicked([]);
          setLast(change);
          reload();
        }}
      />`;
  }
  const shown = offices.filter((o) => matches(o, query) && (!only || o.status === only));
  const orgs = [...new Set(shown.map((o) => o.organisation))];
  const several = new Set(offices.map((o) => o.organisation)).size > 1;
  const toggle = (id) => setPicked(picked.includes(id) ? picked.filter((p) => p !== id) : [...picked, id]);
  return html`
    <${PageTitle}>${t('board.title')}<//>
    <p class="intro">${readOnly ? t('board.introViewer') : t('board.intro')}</p>
    ${error && html`<p class="notice-slot error" role="alert">${errorText(error)}</p>`}
    ${last && html`<${LastChange} change=${last} onUndone=${() => reload()} onGone=${() => setLast(null)} />`}
    <div class="finder" role="search">
      <div class="field">
        <label for="office-search">${t('board.search')}</label>
        <input id="office-search" type="search" autocomplete="off" value=${query} onInput=${(e) => setQuery(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="office-filter">${t('board.filter')}</label>
        <select id="office-filter" value=${only} onChange=${(e) => setOnly(e.currentTarget.value)}>
          <option value="">${t('board.allStatuses')}</option>
          ${STATUSES.map((s) => html`<option value=${s}>${t(`status.${s}`)}</option>`)}
        </select>
      </div>
    </div>
    ${offices.length === 0 && html`<p>${t('board.none')}</p>`}
    ${offices.length > 0 && shown.length === 0 && html`<p role="status">${t('board.noMatch')}</p>`}
    ${orgs.map(
      (org) => html`<section class="org" aria-labelledby=${`org-${org}`}>
        <h2 id=${`org-${org}`} class=${several ? '' : 'sr-only'}>${orgName(org)}</h2>
        <ul class="office-list">
          ${shown
            .filter((o) => o.organisation === org)
            .map((office) => html`<${OfficeRow} key=${office.id} office=${office} picked=${picked.includes(office.id)} onPick=${readOnly ? null : () => toggle(office.id)} onOpen=${() => setEditing([office.id])} />`)}
        </ul>
      </section>`,
    )}
    <${ServicesBoard} readOnly=${readOnly} onExpired=${onExpired} />
    ${picked.length > 0 &&
    html`<div class="actions-bar" role="region" aria-label=${t('board.pickedRegion')}>
      <p class="actions-note">${t('board.picked', { count: picked.length })}</p>
      <button type="button" onClick=${() => setEditing(picked)}>${t('board.changeTogether', { count: picked.length })}</button>
      <button type="button" class="secondary" onClick=${() => setPicked([])}>${t('board.unpick')}</button>
    </div>`}
  `;
}

function OfficeRow({ office, picked, onPick, onOpen }) {
  const name = inLang(office.name);
  return html`<li class="office-row" data-office=${office.id}>
    ${onPick &&
    html`<label class="pick">
      <input type="checkbox" checked=${picked} onChange=${onPick} />
      <span class="sr-only">${t('board.pick', { office: name })}</span>
    </label>`}
    <button type="button" class="row-open" onClick=${onOpen}>
      <span class="row-name">${name}</span>
      <span class="row-state"><span class=${`badge ${office.status}`}>${t(`status.${office.status}`)}</span> <span class="since">${sinceText(office)}</span></span>
    </button>
  </li>`;
}

/** The change just saved: what it did, and its undo for as long as the server takes it. */
function LastChange({ change, onUndone, onGone }) {
  const [state, setState] = useState({ notice: { text: change.text }, busy: false, undone: false });
  const ref = useRef(null);
  const [, tick] = useState(0);
  useEffect(() => {
    ref.current?.focus();
    // Offered while the server takes it back: the button goes at the deadline.
    const timer = setInterval(() => tick((n) => n + 1), 15_000);
    return () => clearInterval(timer);
  }, []);
  const open = !state.undone && Date.now() < Date.parse(change.until);
  const undo = async () => {
    setState({ ...state, busy: true });
    const back = [];
    try {
      for (const o of change.offices) back.push((await api('POST', `/api/admin/offices/${encodeURIComponent(o.id)}/undo`)).office);
      const names = back.map((o) => t('board.isNow', { office: inLang(o.name), status: t(`status.${o.status}`) })).join(' ');
      setState({ notice: { text: t('board.undone', { what: names }) }, busy: false, undone: true });
      onUndone();
    } catch (err) {
      setState({ notice: { error: true, text: errorText(err) }, busy: false, undone: back.length > 0 });
      if (back.length) onUndone();
    }
  };
  return html`<div class="card last-change" tabindex="-1" ref=${ref}>
    <${Notice} notice=${state.notice} />
    ${open &&
    html`<p class="hint">${t('board.undoHint', { until: new Intl.DateTimeFormat(currentLang(), { timeStyle: 'short' }).format(new Date(change.until)) })}</p>
      <button type="button" class="secondary" disabled=${state.busy} onClick=${undo}>${t('board.undo')}</button>`}
    <button type="button" class="secondary" onClick=${onGone}>${t('board.dismiss')}</button>
  </div>`;
}

