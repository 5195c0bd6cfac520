import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, ApiError } from '../api.js';
import { t } from '../i18n.js';
import { errorText, Notice, PageTitle } from '../ui.js';

/** The login page; with `again`, the same form inside the dialog that logs in over a page whose session ended. */
export function Login({ onSignedIn, username: known = '', again = false }) {
  const [username, setUsername] = useState(known);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);
  const id = again ? 'relogin' : 'login';

  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setNotice(null);
    try {
      onSignedIn(await api('POST', '/api/staff/session', { username: username.trim(), password }));
    } catch (err) {
      setPassword('');
      let text = errorText(err);
      if (err instanceof ApiError && err.status === 401) text = t('login.wrong');
      if (err instanceof ApiError && err.status === 429) {
        text = err.retryAfter ? t('login.throttled', { minutes: Math.max(1, Math.ceil(err.retryAfter / 60)) }) : t('login.throttledLater');
      }
      setNotice({ error: true, text });
      setBusy(false);
    }
  };

  const form = html`<form onSubmit=${submit} class="card">
    <div class="field">
      <label for=${`${id}-username`}>${t('login.username')}</label>
      <input id=${`${id}-username`} name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="64" value=${username} onInput=${(e) => setUsername(e.currentTarget.value)} />
    </div>
    <div class="field">
      <label for=${`${id}-password`}>${t('login.password')}</label>
      <input id=${`${id}-password`} name="password" type="password" autocomplete="current-password" autofocus=${!!known} required maxlength="1024" value=${password} onInput=${(e) => setPassword(e.currentTarget.value)} />
    </div>
    <${Notice} notice=${notice} />
    <button type="submit" disabled=${busy}>${t('login.submit')}</button>
  </form>`;
  if (again) return form;
  return html`<section class="login">
    <${PageTitle}>${t('login.title')}<//>
    <p>${t('login.intro')}</p>
    ${form}
  </section>`;
}
