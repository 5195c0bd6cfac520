// Small pieces the pages share: messages, errors, the per-language text fields.
import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { html } from './html.js';
import { ApiError } from './api.js';
import { currentLang, meta, t } from './i18n.js';

/** The session as pages need it: `epoch` rises with each login over the page (its data is read again). */
export const SessionContext = createContext({ epoch: 0, ended: false });

/** What a refusal means to the person who made it (the server's message for the rest). */
export function errorText(err) {
  if (!(err instanceof ApiError)) return t('errors.generic', { message: String(err?.message ?? err) });
  if (err.status === 0) return t('errors.offline');
  // The session ended: the console asks to log in again over the page, which keeps what was typed.
  if (err.status === 401) return t('session.endedKept');
  if (err.status === 403) return t('errors.forbidden');
  if (err.status === 503) return t('errors.unavailable');
  return t('errors.generic', { message: err.message });
}

/**
 * Loads what a page shows, again after a login over the page; a 401 (session over) asks to log
 * in again. Returns [data, error, reload].
 */
export function useLoad(load, onExpired, deps = []) {
  const { epoch } = useContext(SessionContext);
  const [state, setState] = useState({ data: undefined, error: undefined });
  const run = () =>
    load().then(
      (data) => setState({ data, error: undefined }),
      (error) => {
        if (error instanceof ApiError && error.status === 401) onExpired?.();
        // The data shown stays (a reload that failed does not blank the page).
        setState((s) => ({ data: s.data, error }));
      },
    );
  useEffect(() => {
    run();
  }, [...deps, epoch]);
  return [state.data, state.error, run];
}

/** A polite message (saved, sent) or an alert (refused). */
export function Notice({ notice }) {
  if (!notice) return html`<p class="notice-slot" role="status" aria-live="polite"></p>`;
  return notice.error
    ? html`<p class="notice-slot error" role="alert">${notice.text}</p>`
    : html`<p class="notice-slot ok" role="status" aria-live="polite">${notice.text}</p>`;
}

export const Loading = () => html`<p class="loading" role="status">${t('loading')}</p>`;

/** A language's name in the language shown ("valenciano" in Spanish); its own name if the texts lack it. */
export const langName = (lang) => t(`languages.${lang}`, { defaultValue: meta.names[lang] ?? lang });

/**
 * A textarea per language, for notes and announcements: the organisation's own language first (the
 * one everybody without their own gets), the others folded away until wanted (open when one holds text).
 */
export function TextsByLanguage({ idPrefix, values, onInput, first, maxLength = 2000, stale = {} }) {
  const rank = (l) => (l === first ? 0 : l === currentLang() ? 1 : 2);
  const [main, ...others] = [...meta.langs].sort((a, b) => rank(a) - rank(b));
  // A language written before another one changed (`stale`: lang -> the changed one) is flagged until it is edited.
  const flagged = (lang) => stale[lang] && values[lang]?.trim();
  const field = (lang) => html`<div class=${`field${flagged(lang) ? ' stale' : ''}`}>
    <label for=${`${idPrefix}-${lang}`}>${t('texts.in', { language: langName(lang) })}</label>
    ${flagged(lang) && html`<p class="hint warning" id=${`${idPrefix}-${lang}-stale`} data-stale=${lang}>${t('texts.stale', { language: langName(stale[lang]) })}</p>`}
    <textarea id=${`${idPrefix}-${lang}`} lang=${lang} rows="2" maxlength=${maxLength} aria-describedby=${flagged(lang) ? `${idPrefix}-${lang}-stale` : undefined} value=${values[lang] ?? ''} onInput=${(e) => onInput({ ...values, [lang]: e.currentTarget.value })}></textarea>
  </div>`;
  return html`<div class="langs">
    ${main && field(main)}
    ${others.length > 0 &&
    html`<details class="other-langs" open=${others.some((l) => values[l]?.trim())}>
      <summary>${t('texts.others')}</summary>
      ${others.map(field)}
    </details>`}
  </div>`;
}

/**
 * For each stale language still as it was, the language written last (what citizens get instead).
 * `written` per language: when it was written; `values`: the form's texts (an edited one is no longer flagged).
 */
export function staleFrom(stale, written, saved, values) {
  if (!stale?.length) return {};
  const newest = Object.entries(written ?? {}).sort((a, b) => Date.parse(b[1]) - Date.parse(a[1]))[0]?.[0];
  return Object.fromEntries(stale.filter((l) => (values[l] ?? '').trim() === (saved[l] ?? '').trim()).map((l) => [l, newest]));
}

/** The filled-in texts only ({es: "…"}), trimmed. */
export const filled = (values) => Object.fromEntries(Object.entries(values).map(([l, v]) => [l, String(v ?? '').trim()]).filter(([, v]) => v));

let firstPage = true;

/** A page's heading: it takes the focus when the page opens (screen readers hear where they are), and names the tab. */
export function PageTitle({ children }) {
  const ref = useRef(null);
  useEffect(() => {
    // Not on the first page of a visit: there the skip link comes first.
    if (!firstPage) ref.current.focus();
    firstPage = false;
  }, []);
  useEffect(() => {
    document.title = `${ref.current.textContent} · ${t('title')}`;
  });
  return html`<h1 ref=${ref} tabindex="-1">${children}</h1>`;
}
