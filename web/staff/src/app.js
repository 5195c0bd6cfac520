import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { api, ApiError, useCsrf } from './api.js';
import { errorText } from './ui.js';
import { currentLang, loadLang, meta, pickLang, t } from './i18n.js';
import { Login } from './pages/login.js';
import { Board } from './pages/board.js';
import { Handoffs } from './pages/handoffs.js';
import { Announcements } from './pages/announcements.js';
import { Insights } from './pages/insights.js';
import { Audit } from './pages/audit.js';
import { Accounts } from './pages/accounts.js';
import { Review } from './pages/review.js';

/** The pages each role may open, in the menu's order (the server enforces the same, per request). */
const PAGES = {
  board: { roles: ['admin', 'editor', 'viewer'], view: Board },
  handoffs: { roles: ['admin', 'editor'], view: Handoffs },
  announcements: { roles: ['admin', 'editor'], view: Announcements },
  insights: { roles: ['admin', 'editor', 'viewer'], view: Insights },
  audit: { roles: ['admin', 'editor'], view: Audit },
  review: { roles: ['admin', 'editor'], view: Review },
  accounts: { roles: ['admin'], view: Accounts },
};

const pagesOf = (role) => Object.keys(PAGES).filter((p) => PAGES[p].roles.includes(role));
const pageInPath = () => location.pathname.replace(/^\/staff\/?/, '').split('/')[0];

export function App({ initialSession }) {
  const [session, setSession] = useState(initialSession);
  const [page, setPage] = useState(pageInPath());
  const [, setLang] = useState(currentLang());
  const allowed = session ? pagesOf(session.role) : [];
  const shown = session ? (allowed.includes(page) ? page : allowed[0]) : 'login';

  const go = (to, replace = false) => {
    history[replace ? 'replaceState' : 'pushState'](null, '', `/staff/${to}`);
    setPage(to);
  };
  useEffect(() => {
    const back = () => setPage(pageInPath());
    addEventListener('popstate', back);
    return () => removeEventListener('popstate', back);
  }, []);
  // The address says the page shown (after login, or for a page this role does not have).
  useEffect(() => {
    if (pageInPath() !== shown) history.replaceState(null, '', `/staff/${shown}`);
  }, [shown]);

  const switchLang = async (lang) => setLang(await loadLang(lang, true));
  const signedIn = async (s) => {
    useCsrf(s.csrfToken);
    setAlert('');
    // The account's language, unless one was picked in this browser.
    const lang = pickLang(s.lang);
    if (lang !== currentLang()) setLang(await loadLang(lang));
    setSession(s);
    // The page asked for before the login page, if this role has it.
    const pages = pagesOf(s.role);
    go(pages.includes(page) ? page : pages[0], true);
  };
  const [alert, setAlert] = useState('');
  const signOut = async () => {
    try {
      await api('DELETE', '/api/staff/session');
    } catch (err) {
      // Not logged out (the server did not say so): the page must not pretend it was.
      if (!(err instanceof ApiError && err.status === 401)) return setAlert(errorText(err));
    }
    setAlert('');
    useCsrf('');
    setSession(null);
    go('login', true);
  };
  // A request refused with 401 (expired or removed session) sends the user back to the login page, saying why.
  const expired = () => {
    useCsrf('');
    setSession(null);
    setAlert(t('session.expired'));
  };

  const View = shown === 'login' ? null : PAGES[shown].view;
  return html`
    <a class="skip" href="#main">${t('skip')}</a>
    <header class="top">
      <div class="wrap top-row">
        <p class="brand">${t('title')}</p>
        <${LanguageMenu} onChange=${switchLang} />
        ${session &&
        html`<p class="who">${t('session.signedInAs', { username: session.username, role: t(`roles.${session.role}`) })}</p>
          <button type="button" class="secondary" onClick=${signOut}>${t('session.logout')}</button>`}
      </div>
      ${session &&
      html`<nav class="wrap" aria-label=${t('nav.label')}>
        <ul class="nav">
          ${allowed.map(
            (p) => html`<li>
              <a
                href=${`/staff/${p}`}
                aria-current=${p === shown ? 'page' : undefined}
                onClick=${(e) => {
                  e.preventDefault();
                  go(p);
                }}
                >${t(`nav.${p}`)}</a
              >
            </li>`,
          )}
        </ul>
      </nav>`}
    </header>
    <main id="main" class="wrap" tabindex="-1">
      ${alert && html`<p class="notice-slot error" role="alert">${alert}</p>`}
      ${shown === 'login' ? html`<${Login} onSignedIn=${signedIn} />` : html`<${View} key=${shown} session=${session} onExpired=${expired} />`}
    </main>
  `;
}

function LanguageMenu({ onChange }) {
  return html`<label class="lang">
    <span>${t('language')}</span>
    <select value=${currentLang()} onChange=${(e) => onChange(e.currentTarget.value)}>
      ${meta.langs.map((l) => html`<option value=${l} lang=${l}>${meta.names[l] ?? l}</option>`)}
    </select>
  </label>`;
}
