import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { inLang, meta, t } from '../i18n.js';
import { errorText, filled, Notice, staleFrom, TextsByLanguage } from '../ui.js';
import { AudienceLine, TextsPreview } from '../preview.js';
import { reopeningShown, sinceText, STATUSES } from '../offices.js';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const CLOSED = new Set(['closed', 'reopening']);

/** An ISO date-time as a datetime-local input's value, in this browser's time zone. */
function localInput(iso) {
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The expected reopening as the form holds it: a date and time (the default), or words. */
function reopeningForm(value) {
  if (typeof value === 'string' && ISO_TIME.test(value)) return { kind: 'date', date: localInput(value), text: '' };
  const text = inLang(value);
  return text ? { kind: 'text', date: '', text } : { kind: 'date', date: '', text: '' };
}

/** What the API takes: the date and time with its offset (each language shows it in its own format), or the words. */
function reopeningValue(form) {
  if (form.kind === 'date') return form.date ? new Date(form.date).toISOString() : '';
  return form.text.trim();
}

const hasNote = (notes) => Object.keys(filled(notes ?? {})).length > 0;
const same = (a, b) => JSON.stringify(filled(a ?? {})) === JSON.stringify(filled(b ?? {}));

/**
 * One office's change, or several offices' at once (each is its own change, with its own notice):
 * status, expected reopening, note; then what citizens will read in each language and who will be
 * told, then the confirmation. A new status starts without the note of the old one, unless kept.
 */
export function ChangeEditor({ offices, readOnly, onCancel, onSaved }) {
  const single = offices.length === 1 ? offices[0] : null;
  const key = single ? single.id : 'several';
  const first = meta.organisations.find((o) => o.id === offices[0].organisation)?.lang;
  const [status, setStatus] = useState(single?.status ?? '');
  const [notes, setNotes] = useState(single ? filled(single.notes ?? {}) : {});
  const [dropped, setDropped] = useState(false);
  const [reopening, setReopening] = useState(reopeningForm(single?.expectedReopening));
  const [previews, setPreviews] = useState(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);
  const heading = useRef(null);
  useEffect(() => {
    heading.current?.focus();
    heading.current?.scrollIntoView({ block: 'start' });
  }, [previews === null]);

  if (readOnly) return html`<${Details} office=${single} onBack=${onCancel} />`;

  /** A new status starts without the old note (it was about the old one); going back to the status brings it back. */
  const pickStatus = (next) => {
    setStatus(next);
    if (!single || !hasNote(single.notes)) return;
    if (next !== single.status && !dropped && same(notes, single.notes)) {
      setNotes({});
      setDropped(true);
    } else if (next === single.status && dropped) {
      setNotes(filled(single.notes));
      setDropped(false);
    }
  };
  const keepNote = () => {
    setNotes(filled(single.notes));
    setDropped(false);
  };

  /** The request for one office: only what changes. */
  const change = (office) => {
    const body = {};
    const newStatus = !!status && status !== office.status;
    if (newStatus) body.status = status;
    const note = filled(notes);
    // With a new status a note is sent only when there is one (none: the server clears the old one).
    if (newStatus ? hasNote(note) : single ? !same(note, office.notes) : hasNote(note)) body.note = note;
    if (CLOSED.has(status || office.status)) {
      const expected = reopeningValue(reopening);
      if (expected !== reopeningValue(reopeningForm(office.expectedReopening))) body.expectedReopening = expected;
    } else if (newStatus && reopeningShown(office.expectedReopening)) {
      body.expectedReopening = ''; // open again: an old expected reopening must not come back with a later closure
    }
    return body;
  };

  const review = async (e) => {
    e.preventDefault();
    if (!status) return setNotice({ error: true, text: t('board.pickStatus') });
    const changes = offices.map((office) => ({ office, body: change(office) })).filter((c) => Object.keys(c.body).length);
    if (!changes.length) return setNotice({ text: t('board.unchanged') });
    setBusy(true);
    setNotice(null);
    try {
      const tried = [];
      for (const c of changes) tried.push({ ...c, preview: await api('POST', `/api/admin/offices/${encodeURIComponent(c.office.id)}/preview`, c.body) });
      setPreviews(tried);
    } catch (err) {
      setNotice({ error: true, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  const confirm = async () => {
    setBusy(true);
    setNotice(null);
    const saved = [];
    try {
      for (const c of previews) {
        const res = await api('PATCH', `/api/admin/offices/${encodeURIComponent(c.office.id)}`, c.body);
        saved.push({ office: res.office, until: res.undoUntil, told: c.preview.subscribers.total });
      }
    } catch (err) {
      setBusy(false);
      if (!saved.length) return setNotice({ error: true, text: errorText(err) });
    }
    const told = saved.reduce((n, s) => n + s.told, 0);
    const what = saved.map((s) => t('board.isNow', { office: inLang(s.office.name), status: t(`status.${s.office.status}`) })).join(' ');
    const failed = saved.length < previews.length ? ` ${t('board.notAll', { count: previews.length - saved.length })}` : '';
    onSaved({
      offices: saved.map((s) => s.office),
      until: saved.map((s) => s.until).sort()[0],
      text: `${told ? t('board.savedTold', { what, count: told }) : t('board.saved', { what })}${failed}`,
    });
  };

  if (previews) {
    const total = previews.reduce((n, p) => n + p.preview.subscribers.total, 0);
    // Words for the reopening, sent with this change: shown as written in every language.
    const words = previews.some((p) => p.body.expectedReopening && !ISO_TIME.test(p.body.expectedReopening));
    return html`<section class="editor preview" aria-labelledby="preview-title" data-preview=${key}>
      <h2 id="preview-title" tabindex="-1" ref=${heading}>${t('preview.title')}</h2>
      <p class="hint">${t('preview.sameAnswer')}</p>
      ${words && html`<p class="warn">${t('preview.untranslated')}</p>`}
      ${previews.map(
        ({ office, preview }) => html`<article class="preview-office" data-office=${office.id}>
          ${!single && html`<h3>${inLang(office.name)}</h3>`}
          <${AudienceLine} audience=${preview.subscribers} />
          ${preview.noteCleared && html`<p class="hint">${t('preview.noteCleared')}</p>`}
          ${single
            ? html`<${TextsPreview} texts=${preview.notices} langs=${preview.subscribers.langs} first=${first} />`
            : html`<details><summary>${t('preview.show')}</summary><${TextsPreview} texts=${preview.notices} langs=${preview.subscribers.langs} first=${first} /></details>`}
        </article>`,
      )}
      <${Notice} notice=${notice} />
      <div class="actions-bar">
        <button type="button" disabled=${busy} onClick=${confirm}>${total ? t('preview.confirmTell', { count: total }) : t('preview.confirm')}</button>
        <button type="button" class="secondary" disabled=${busy} onClick=${() => setPreviews(null)}>${t('preview.back')}</button>
      </div>
    </section>`;
  }

  const oldNote = single ? inLang(filled(single.notes ?? {})) : '';
  return html`<form class="editor" onSubmit=${review} aria-labelledby="editor-title" data-editor=${key}>
    <h2 id="editor-title" tabindex="-1" ref=${heading}>${single ? inLang(single.name) : t('board.several', { count: offices.length })}</h2>
    ${single
      ? html`<p class="state"><span class=${`badge ${single.status}`}>${t(`status.${single.status}`)}</span> <span class="since">${sinceText(single)}</span></p>
          ${oldNote && html`<p class="note">${t('board.currentNote', { note: oldNote })}</p>`}`
      : html`<ul class="plain">${offices.map((o) => html`<li>${inLang(o.name)}</li>`)}</ul>`}
    <fieldset class="statuses">
      <legend>${t('board.newStatus')}</legend>
      ${STATUSES.map(
        (s) => html`<label class="choice big">
          <input type="radio" name=${`status-${key}`} value=${s} checked=${status === s} onChange=${() => pickStatus(s)} />
          ${t(`status.${s}`)}
        </label>`,
      )}
    </fieldset>
    ${CLOSED.has(status) &&
    html`<fieldset class="reopening">
      <legend>${t('board.reopening')}</legend>
      ${reopening.kind === 'date'
        ? html`<div class="field">
              <label for=${`date-${key}`}>${t('board.reopeningDateLabel')}</label>
              <input id=${`date-${key}`} type="datetime-local" value=${reopening.date} onInput=${(e) => setReopening({ ...reopening, date: e.currentTarget.value })} />
              <p class="hint">${t('board.reopeningDateHint')}</p>
            </div>
            <button type="button" class="link" onClick=${() => setReopening({ ...reopening, kind: 'text' })}>${t('board.inWords')}</button>`
        : html`<div class="field">
              <label for=${`text-${key}`}>${t('board.reopeningTextLabel')}</label>
              <input id=${`text-${key}`} type="text" maxlength="500" value=${reopening.text} onInput=${(e) => setReopening({ ...reopening, text: e.currentTarget.value })} />
              <p class="warn">${t('board.untranslated')}</p>
            </div>
            <button type="button" class="link" onClick=${() => setReopening({ ...reopening, kind: 'date' })}>${t('board.asDate')}</button>`}
    </fieldset>`}
    <fieldset class="note">
      <legend>${t('board.note')}</legend>
      ${dropped &&
      html`<div class="dropped" role="status">
        <p>${t('board.noteDropped', { note: oldNote })}</p>
        <button type="button" class="secondary" onClick=${keepNote}>${t('board.keepNote')}</button>
      </div>`}
      <p class="hint">${single ? t('board.noteHint') : t('board.noteHintSeveral')}</p>
      <${TextsByLanguage} idPrefix=${`note-${key}`} values=${notes} onInput=${setNotes} first=${first} stale=${single ? staleFrom(single.notesStale, single.notesWritten, single.notes ?? {}, notes) : {}} />
    </fieldset>
    <${Notice} notice=${notice} />
    <div class="actions-bar">
      <button type="submit" disabled=${busy}>${t('board.review')}</button>
      <button type="button" class="secondary" onClick=${onCancel}>${t('board.back')}</button>
    </div>
  </form>`;
}

/** A viewer's view of one office: what the bot says of it, without the form. */
function Details({ office, onBack }) {
  const heading = useRef(null);
  useEffect(() => heading.current?.focus(), []);
  const expected = reopeningShown(office.expectedReopening);
  const note = inLang(filled(office.notes ?? {}));
  return html`<section class="editor" aria-labelledby="details-title" data-office=${office.id}>
    <h2 id="details-title" tabindex="-1" ref=${heading}>${inLang(office.name)}</h2>
    <p class="state"><span class=${`badge ${office.status}`}>${t(`status.${office.status}`)}</span> <span class="since">${sinceText(office)}</span></p>
    ${expected && CLOSED.has(office.status) && html`<p>${t('board.expected', { when: expected })}</p>`}
    ${note && html`<p class="note">${t('board.currentNote', { note })}</p>`}
    <p class="subscribers">${t('board.subscribersNow', { count: office.subscribers ?? 0 })}</p>
    <button type="button" class="secondary" onClick=${onBack}>${t('board.back')}</button>
  </section>`;
}
