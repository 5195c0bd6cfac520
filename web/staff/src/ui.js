// Small pieces the pages share: messages, errors, the per-language text fields.
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { ApiError } from './api.js';
import { meta, t } from './i18n.js';

/** What a refusal means to the person who made it (the server's message for the rest). */
export function errorText(err) {
  if (!(err instanceof ApiError)) return t('errors.generic', { message: String(err?.message ?? err) });
  if (err.status === 0) return t('errors.offline');
  if (err.status === 403) return t('errors.forbidden');
  if (err.status === 503) return t('errors.unavailable');
  return t('errors.generic', { message: err.message });
}

/**
 * Loads what a page shows; a 401 (session over) hands back to the login page.
 * Returns [data, error, reload].
 */
export function useLoad(load, onExpired, deps = []) {
  const [state, setState] = useState({ data: undefined, error: undefined });
  const run = () =>
    load().then(
      (data) => setState({ data, error: undefined }),
      (error) => {
        if (error instanceof ApiError && error.status === 401) onExpired?.();
        setState({ data: undefined, error });
      },
    );
  useEffect(() => {
    run();
  }, deps);
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

/** A textarea per language (the organisation's own language first), for notes and announcements. */
export function TextsByLanguage({ idPrefix, values, onInput, first, maxLength = 2000 }) {
  const langs = [...meta.langs].sort((a, b) => (a === first ? -1 : b === first ? 1 : 0));
  return html`<div class="langs">
    ${langs.map(
      (lang) => html`<div class="field">
        <label for=${`${idPrefix}-${lang}`}>${t('texts.in', { language: meta.names[lang] ?? lang })}</label>
        <textarea id=${`${idPrefix}-${lang}`} lang=${lang} rows="2" maxlength=${maxLength} value=${values[lang] ?? ''} onInput=${(e) => onInput({ ...values, [lang]: e.currentTarget.value })}></textarea>
      </div>`,
    )}
  </div>`;
}

/** The filled-in texts only ({es: "…"}), trimmed. */
export const filled = (values) => Object.fromEntries(Object.entries(values).map(([l, v]) => [l, v.trim()]).filter(([, v]) => v));
