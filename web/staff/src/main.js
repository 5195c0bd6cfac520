// The staff console: who is signed in, in which language, and which page is shown.
import { render } from 'preact';
import { html } from './html.js';
import { api, ApiError, useCsrf } from './api.js';
import { loadLang, pickLang } from './i18n.js';
import { App } from './app.js';

async function start() {
  let session = null;
  try {
    session = await api('GET', '/api/staff/session');
    useCsrf(session.csrfToken);
  } catch (err) {
    if (!(err instanceof ApiError) || (err.status !== 401 && err.status !== 404)) console.warn('session', err.status);
  }
  await loadLang(pickLang(session?.lang));
  const root = document.getElementById('app');
  root.textContent = ''; // the "…" shown while this loads
  render(html`<${App} initialSession=${session} />`, root);
}

start();
