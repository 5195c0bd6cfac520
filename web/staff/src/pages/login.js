import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, ApiError } from '../api.js';
import { t } from '../i18n.js';
import { errorText, Notice, PageTitle } from '../ui.js';

export function Login({ onSignedIn }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);

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

  return html`<section class="login">
    <${PageTitle}>${t('login.title')}<//>
    <p>${t('login.intro')}</p>
    <form onSubmit=${submit} class="card">
      <div class="field">
        <label for="login-username">${t('login.username')}</label>
        <input id="login-username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="64" value=${username} onInput=${(e) => setUsername(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="login-password">${t('login.password')}</label>
        <input id="login-password" name="password" type="password" autocomplete="current-password" required maxlength="1024" value=${password} onInput=${(e) => setPassword(e.currentTarget.value)} />
      </div>
      <${Notice} notice=${notice} />
      <button type="submit" disabled=${busy}>${t('login.submit')}</button>
    </form>
  </section>`;
}
