import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from './html.js';
import { api, ApiError, onUnauthorized, useCsrf } from './api.js';
import { errorText, SessionContext } from './ui.js';
import { currentLang, loadLang, meta, pickLang, t } from './i18n.js';
import { Login } from './pages/login.js';
import { Board } from './pages/board.js';
import { Handoffs } from './pages/handoffs.js';
import { Announcements } from './pages/announcements.js';
import { Insights } from './pages/insights.js';
import { Audit } from './pages/audit.js';
import { Accounts } from './pages/accounts.js';
import { Review } from './pages/review.js';
import { Knowledge } from './pages/knowledge.js';
import { Scams } from './pages/scams.js';
import { WaitingBadge } from './waiting.js';

/** The pages each role may open, in the menu's order (the server enforces the same, per request). */
const PAGES = {
  board: { roles: ['admin', 'editor', 'viewer'], view: Board },
  handoffs: { roles: ['admin', 'editor'], view: Handoffs },
  announcements: { roles: ['admin', 'editor'], view: Announcements },
  insights: { roles: ['admin', 'editor', 'viewer'], view: Insights },
  audit: { roles: ['admin', 'editor'], view: Audit },
  review: { roles: ['admin', 'editor'], view: Review },
  knowledge: { roles: ['admin', 'editor'], view: Knowledge },
  scams: { roles: ['admin', 'editor', 'viewer'], view: Scams },
  accounts: { roles: ['admin'], view: Accounts },
};

const pagesOf = (role) => Object.keys(PAGES).filter((p) => PAGES[p].roles.includes(role));
const pageInPath = () => location.pathname.replace(/^\/staff\/?/, '').split('/')[0];

export function App({ initialSession }) {
  const [session, setSession] = useState(initialSession);
  const [page, setPage] = useState(pageInPath());
  const [, setLang] = useState(currentLang());
  // The session ended while a page was open: a login over the page, which keeps what was typed in it.
  const [ended, setEnded] = useState(false);
  // Raised by each login over a page: its data is read again, with the new session.
  const [epoch, setEpoch] = useState(0);
  const allowed = session ? pagesOf(session.role) : [];
  const shown = session ? (allowed.includes(page) ? page : allowed[0]) : 'login';

  const [menu, setMenu] = useState(false);
  const go = (to, replace = false) => {
    history[replace ? 'replaceState' : 'pushState'](null, '', `/staff/${to}`);
    setPage(to);
    setMenu(false);
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
  useEffect(() => onUnauthorized(() => setEnded(true)), []);

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
  const signedInAgain = (s) => {
    useCsrf(s.csrfToken);
    setSession(s);
    setEnded(false);
    setEpoch((n) => n + 1);
  };
  const [alert, setAlert] = useState('');
  const signOut = async () => {
    try {
      await api('DELETE', '/api/staff/session');
    } catch (err) {
      // Not logged out (the server did not say so): the page must not pretend it was.
      if (!(err instanceof ApiError && err.status === 401)) return setAlert(errorText(err));
    }
    backToLogin('');
  };
  const backToLogin = (message) => {
    setAlert(message);
    setEnded(false);
    useCsrf('');
    setSession(null);
    go('login', true);
  };

  const View = shown === 'login' ? null : PAGES[shown].view;
  // On a phone the menu folds away behind one button; it folds again once a page is picked.
  const menuOpen = !session || menu;
  return html`
    <a class="skip" href="#main">${t('skip')}</a>
    <header class="top">
      <div class="wrap top-row">
        <p class="brand">${t('title')}</p>
        ${allowed.includes('handoffs') && html`<${WaitingBadge} key=${epoch} onOpen=${() => go('handoffs')} />`}
        ${session && html`<button type="button" class="menu-toggle" aria-expanded=${menuOpen} aria-controls="top-panel" onClick=${() => setMenu(!menu)}>${t('nav.menu')}</button>`}
      </div>
      <div id="top-panel" class=${`wrap top-panel${menuOpen ? ' open' : ''}`}>
        <div class="top-tools">
          <${LanguageMenu} onChange=${switchLang} />
          ${session &&
          html`<p class="who">${t('session.signedInAs', { username: session.username, role: t(`roles.${session.role}`) })}</p>
            <button type="button" class="secondary" onClick=${signOut}>${t('session.logout')}</button>`}
        </div>
        ${session &&
        html`<nav aria-label=${t('nav.label')}>
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
      </div>
    </header>
    <main id="main" class="wrap" tabindex="-1">
      ${alert && html`<p class="notice-slot error" role="alert">${alert}</p>`}
      <${SessionContext.Provider} value=${{ epoch, ended }}>
        ${shown === 'login' ? html`<${Login} onSignedIn=${signedIn} />` : html`<${View} key=${shown} session=${session} onExpired=${() => setEnded(true)} />`}
      <//>
    </main>
    ${ended && session && html`<${LoginAgain} username=${session.username} onSignedIn=${signedInAgain} onGiveUp=${() => backToLogin(t('session.expired'))} />`}
  `;
}

/**
 * The session ended (expired, or the account changed): log in again over the page, a modal
 * dialog; what the page holds (a note, a reply being written) stays, and can be saved after.
 */
function LoginAgain({ username, onSignedIn, onGiveUp }) {
  const dialog = useRef(null);
  useEffect(() => {
    dialog.current.showModal();
  }, []);
  return html`<dialog ref=${dialog} class="relogin" aria-labelledby="relogin-title" onCancel=${(e) => e.preventDefault()}>
    <h2 id="relogin-title">${t('session.endedTitle')}</h2>
    <p>${t('session.endedAgain')}</p>
    <${Login} onSignedIn=${onSignedIn} username=${username} again=${true} />
    <button type="button" class="secondary" onClick=${onGiveUp}>${t('session.toLoginPage')}</button>
  </dialog>`;
}

function LanguageMenu({ onChange }) {
  return html`<label class="lang">
    <span>${t('language')}</span>
    <select value=${currentLang()} onChange=${(e) => onChange(e.currentTarget.value)}>
      ${meta.langs.map((l) => html`<option value=${l} lang=${l}>${meta.names[l] ?? l}</option>`)}
    </select>
  </label>`;
}
