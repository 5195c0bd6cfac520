/*
 * Citizen chat widget. Embed with:
 *   <script src="https://bot.example.org/widget.js" data-lang="ca" data-org="paiporta" defer></script>
 * data-lang: the language to start in; data-org: the council or agency the page belongs to (an
 * organisation id of the knowledge base), so that answers are about it until the citizen names another.
 * It adds a launcher button and a chat panel (in a shadow root, so the host page's styles do not
 * leak in) and talks to the API at the origin the script was loaded from.
 *
 * Every piece of server or user text is put in the page with textContent / text nodes: never as
 * HTML. Links are built as elements, and only for http(s), mailto: and tel:.
 */
(() => {
  'use strict';

  const script = document.currentScript;
  if (!script || !script.src || window.__citizenChatWidget) return;
  window.__citizenChatWidget = true;

  const API = new URL(script.src, location.href).origin;
  const KEY = `citizen-chat:${API}:`;
  const POLL_MS = 30_000;
  const REQUEST_TIMEOUT_MS = 20_000;
  const MAX_BACKOFF_MS = 30_000;
  const MAX_TRANSCRIPT = 200;
  const MAX_TEXT = 2000;
  const FALLBACK_LANG = 'es';

  // ---- storage (localStorage may be unavailable or full: the widget then just forgets) ----

  const store = {
    get(name, fallback) {
      try {
        const raw = localStorage.getItem(KEY + name);
        return raw === null ? fallback : JSON.parse(raw);
      } catch {
        return fallback;
      }
    },
    set(name, value) {
      try {
        localStorage.setItem(KEY + name, JSON.stringify(value));
      } catch {
        /* private mode or quota: keep going without persistence */
      }
    },
  };

  function newId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  const state = {
    /** The id the server issued (signed); until its first answer there is none, and the server gives one. */
    sessionId: store.get('session', null),
    /** The language the user picked in the menu; until then the server follows the messages. */
    picked: store.get('picked', null),
    lang: FALLBACK_LANG,
    langs: [],
    names: {},
    labels: {},
    /** [{ id, from: 'user' | 'bot' | 'staff', text, lang?, pending? }] */
    transcript: store.get('transcript', []),
    quickReplies: store.get('quickReplies', []),
    open: false,
    sending: false,
    attempt: 0,
    retryTimer: 0,
    pollTimer: 0,
    /** The events stream (EventSource) while the panel is open. */
    events: null,
  };

  const save = () => {
    state.transcript = state.transcript.slice(-MAX_TRANSCRIPT);
    store.set('transcript', state.transcript);
    store.set('quickReplies', state.quickReplies);
  };

  // ---- network ----

  async function request(path, init = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    try {
      return await fetch(API + path, { ...init, credentials: 'omit', signal: controller.signal });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Labels of one language: from the server, else the copy kept from an earlier visit. */
  async function fetchLabels(lang) {
    const cached = store.get(`labels:${lang}`, null);
    try {
      const res = await request(`/api/widget/i18n/${encodeURIComponent(lang)}`);
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = await res.json();
      store.set(`labels:${lang}`, body);
      return body;
    } catch (err) {
      if (cached) return cached;
      throw err;
    }
  }

  /** The script's data-lang, else the browser's languages, else Spanish, among the languages the server has. */
  function candidates() {
    const browser = (navigator.languages || [navigator.language || '']).map((l) => String(l).toLowerCase().split('-')[0]);
    return [...new Set([state.picked, script.dataset.lang, ...browser, FALLBACK_LANG].filter(Boolean))];
  }

  async function loadLanguage() {
    let delay = 2000;
    for (;;) {
      try {
        for (const lang of candidates()) {
          const body = await fetchLabels(lang);
          if (body) return body;
        }
        throw new Error('no language available');
      } catch {
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, MAX_BACKOFF_MS);
      }
    }
  }

  // ---- DOM helpers ----

  function el(tag, props = {}, children = []) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props)) {
      if (name === 'text') node.textContent = value;
      else if (name === 'class') node.className = value;
      else if (name in node && typeof value !== 'string') node[name] = value;
      else node.setAttribute(name, value);
    }
    for (const child of children) node.append(child);
    return node;
  }

  function icon(kind) {
    const NS = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    svg.setAttribute('class', `cw-icon cw-icon-${kind}`);
    const shape = document.createElementNS(NS, 'path');
    const paths = {
      chat: 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z',
      close: 'M6 6l12 12M18 6L6 18',
      send: 'M3 11l18-8-8 18-2-8-8-2z',
    };
    shape.setAttribute('d', paths[kind]);
    svg.append(shape);
    return svg;
  }

  // Web addresses, emails and phone numbers (9 to 15 digits, with spaces, dots, dashes or slashes;
  // not parentheses, so that "+39 031 370111 (031/370.111 …)" is two numbers).
  const TOKENS = /(https?:\/\/[^\s<>"']+|www\.[^\s<>"']+)|([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})|((?:\+|00)?\d[\d \u00a0./-]{6,}\d)/g;
  const TRAILING = /[.,;:!?)\]]+$/;

  function safeUrl(raw) {
    try {
      const url = new URL(raw.startsWith('www.') ? `https://${raw}` : raw);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    } catch {
      return null;
    }
  }

  /** Text with links, as a fragment of text nodes and <a> elements. */
  function linkify(text) {
    const fragment = document.createDocumentFragment();
    let last = 0;
    for (const match of text.matchAll(TOKENS)) {
      let [token] = match;
      const [, url, email, phone] = match;
      let link = null;
      if (url) {
        token = token.replace(TRAILING, '');
        const href = safeUrl(token);
        if (href) link = el('a', { href, target: '_blank', rel: 'noopener noreferrer', text: token });
      } else if (email) {
        link = el('a', { href: `mailto:${email}`, text: email });
      } else if (phone) {
        const digits = phone.replace(/\D/g, '');
        if (digits.length >= 9 && digits.length <= 15) {
          link = el('a', { href: `tel:${phone.trim().startsWith('+') ? '+' : ''}${digits}`, text: token });
        }
      }
      if (!link) continue;
      fragment.append(document.createTextNode(text.slice(last, match.index)), link);
      last = match.index + token.length;
    }
    fragment.append(document.createTextNode(text.slice(last)));
    return fragment;
  }

  // ---- the UI ----

  const host = el('div', { class: 'citizen-chat-widget' });
  const root = host.attachShadow({ mode: 'open' });
  const ui = {};

  function build() {
    // Shown once its stylesheet has loaded (or failed to), not as a flash of unstyled buttons.
    const stylesheet = el('link', { rel: 'stylesheet', href: `${API}/widget.css` });
    const reveal = () => (ui.root.hidden = false);
    stylesheet.addEventListener('load', reveal);
    stylesheet.addEventListener('error', reveal);
    root.append(stylesheet);

    ui.launcherText = el('span', { class: 'cw-launcher-text' });
    ui.launcher = el('button', { type: 'button', class: 'cw-launcher', 'aria-expanded': 'false', 'aria-controls': 'cw-panel' }, [icon('chat'), ui.launcherText]);

    ui.title = el('h2', { id: 'cw-title', class: 'cw-title' });
    ui.langLabel = el('label', { for: 'cw-lang', class: 'cw-sr' });
    ui.langSelect = el('select', { id: 'cw-lang', class: 'cw-lang' });
    ui.close = el('button', { type: 'button', class: 'cw-close' }, [icon('close')]);

    ui.log = el('div', { class: 'cw-log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-labelledby': 'cw-title' });
    ui.quick = el('div', { class: 'cw-quick' });
    ui.typingText = el('span', { class: 'cw-sr' });
    ui.typing = el('div', { class: 'cw-typing', hidden: true }, [
      el('span', { class: 'cw-dots', 'aria-hidden': 'true' }, [el('span'), el('span'), el('span')]),
      ui.typingText,
    ]);
    ui.body = el('div', { class: 'cw-body' }, [ui.log, ui.typing, ui.quick]);
    // The crisis notices in force (the page's organisation's): above the conversation while they last.
    ui.banner = el('div', { class: 'cw-banner', role: 'note', tabindex: '0', hidden: true });

    ui.inputLabel = el('label', { for: 'cw-input', class: 'cw-sr' });
    ui.input = el('input', { id: 'cw-input', class: 'cw-input', type: 'text', autocomplete: 'off', maxLength: MAX_TEXT });
    ui.sendText = el('span', { class: 'cw-send-text' });
    ui.send = el('button', { type: 'submit', class: 'cw-send' }, [icon('send'), ui.sendText]);
    ui.form = el('form', { class: 'cw-form' }, [ui.inputLabel, ui.input, ui.send]);
    ui.forget = el('button', { type: 'button', class: 'cw-forget', hidden: !state.sessionId });
    ui.footer = el('div', { class: 'cw-footer' }, [ui.forget]);

    ui.panel = el('section', { id: 'cw-panel', class: 'cw-panel', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'cw-title', hidden: true }, [
      el('div', { class: 'cw-header' }, [ui.title, el('div', { class: 'cw-tools' }, [ui.langLabel, ui.langSelect, ui.close])]),
      ui.banner,
      ui.body,
      ui.form,
      ui.footer,
    ]);
    ui.root = el('div', { class: 'cw-root', hidden: true }, [ui.panel, ui.launcher]);
    root.append(ui.root);

    ui.launcher.addEventListener('click', () => (state.open ? close() : open()));
    ui.close.addEventListener('click', () => close());
    ui.root.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && state.open) {
        event.preventDefault();
        close();
      } else if (event.key === 'Tab' && state.open && FULL_SCREEN.matches) {
        keepFocusInPanel(event);
      }
    });
    ui.langSelect.addEventListener('change', () => pickLanguage(ui.langSelect.value));
    ui.forget.addEventListener('click', () => askToForget());
    ui.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = ui.input.value.trim();
      if (!text) return;
      ui.input.value = '';
      enqueue(text);
    });

    for (const entry of state.transcript) ui.log.append(messageNode(entry));
    renderQuickReplies();
    document.body.append(host);
  }

  /** Puts the labels of the current language everywhere (and the lang attribute screen readers use). */
  function applyLabels() {
    const l = state.labels;
    ui.panel.lang = state.lang;
    ui.launcher.lang = state.lang;
    ui.title.textContent = l.title || '';
    ui.langLabel.textContent = l.language || '';
    ui.close.setAttribute('aria-label', l.close || '');
    ui.close.title = l.close || '';
    ui.typingText.textContent = l.typing || '';
    ui.inputLabel.textContent = l.placeholder || '';
    ui.input.placeholder = l.placeholder || '';
    ui.sendText.textContent = l.send || '';
    ui.forget.textContent = l.forget || '';
    const confirm = root.querySelector('.cw-confirm');
    if (confirm) {
      confirm.querySelector('.cw-notice-text').textContent = l.forget_confirm || '';
      confirm.querySelector('.cw-confirm-yes').textContent = l.forget_yes || '';
      confirm.querySelector('.cw-confirm-no').textContent = l.cancel || '';
    }
    ui.launcherText.textContent = state.open ? l.close || '' : l.open || '';
    for (const who of root.querySelectorAll('.cw-who')) {
      who.textContent = `${who.parentElement.classList.contains('cw-user') ? l.you : l.bot}: `;
    }
    for (const button of root.querySelectorAll('.cw-retry')) button.textContent = l.retry || '';
    const notice = root.querySelector('.cw-notice-text');
    if (notice) notice.textContent = l.offline || '';

    ui.langSelect.replaceChildren(
      ...state.langs.map((code) => {
        const option = el('option', { value: code, lang: code, text: state.names[code] || languageName(code) });
        option.selected = code === state.lang;
        return option;
      }),
    );
  }

  /** A language's name in that language, as the browser knows it (when the server gave none). */
  function languageName(code) {
    try {
      const name = new Intl.DisplayNames([code], { type: 'language' }).of(code) || code;
      return name.charAt(0).toLocaleUpperCase(code) + name.slice(1);
    } catch {
      return code;
    }
  }

  function messageNode(entry) {
    const mine = entry.from === 'user';
    const staff = entry.from === 'staff';
    const text = el('p', { class: 'cw-text' }, [mine ? document.createTextNode(entry.text) : linkify(entry.text)]);
    // A staff member's reply (hand-over): marked as from a person, visibly and for screen readers.
    const who = staff
      ? el('span', { class: 'cw-who cw-person', text: state.labels.staff || '' })
      : el('span', { class: 'cw-sr cw-who', text: `${mine ? state.labels.you || '' : state.labels.bot || ''}: ` });
    const node = el('div', { class: `cw-msg ${mine ? 'cw-user' : 'cw-bot'}${staff ? ' cw-staff' : ''}${entry.pending ? ' cw-pending' : ''}` }, [who, text]);
    node.dataset.id = entry.id;
    if (entry.lang) node.lang = entry.lang;
    return node;
  }

  function addMessage(entry) {
    state.transcript.push(entry);
    save();
    ui.log.append(messageNode(entry));
    scrollDown();
  }

  function renderQuickReplies() {
    ui.quick.replaceChildren(
      ...state.quickReplies.map((qr) => {
        const button = el('button', { type: 'button', class: 'cw-chip', text: qr.label });
        button.addEventListener('click', () => {
          enqueue(qr.text);
          ui.input.focus();
        });
        return button;
      }),
    );
  }

  function scrollDown() {
    ui.body.scrollTop = ui.body.scrollHeight;
  }

  /** On a phone the panel covers the page: Tab cycles inside it instead of reaching what is hidden behind. */
  const FULL_SCREEN = matchMedia('(max-width: 480px)');
  function keepFocusInPanel(event) {
    const focusable = [...ui.panel.querySelectorAll('button, input, select, a[href]')].filter((node) => !node.disabled && node.getClientRects().length);
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    const active = root.activeElement;
    if (event.shiftKey && (active === first || !ui.panel.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !ui.panel.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  }

  // ---- sending, with a queue that survives the server being away ----

  function enqueue(text) {
    state.quickReplies = [];
    renderQuickReplies();
    addMessage({ id: newId(), from: 'user', text: text.slice(0, MAX_TEXT), pending: true });
    flush();
  }

  async function flush() {
    if (state.sending) return;
    const entry = state.transcript.find((e) => e.pending);
    if (!entry) return;
    state.sending = true;
    clearTimeout(state.retryTimer);
    ui.typing.hidden = false;
    scrollDown();
    let retry = false;
    try {
      const res = await request('/api/chat', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          ...(state.sessionId ? { sessionId: state.sessionId } : {}),
          text: entry.text,
          ...(state.picked ? { lang: state.picked } : {}),
          ...(script.dataset.org ? { org: script.dataset.org } : {}),
        }),
      });
      if (res.ok) {
        const body = await res.json();
        useSession(body.sessionId);
        delivered(entry);
        // Handed over to staff, a message gets no answer of the bot's: an empty reply shows nothing.
        if (body.reply.text) addMessage({ id: newId(), from: 'bot', text: body.reply.text, lang: body.lang });
        state.quickReplies = body.reply.quickReplies || [];
        save();
        renderQuickReplies();
        // Until the citizen picks a language, the widget speaks the language the bot answers in.
        if (!state.picked && body.lang && body.lang !== state.lang) followLanguage(body.lang);
      } else if (res.status === 408 || res.status === 429 || res.status >= 500) {
        retry = true;
      } else {
        delivered(entry); // refused as invalid: sending it again would not help
      }
    } catch {
      retry = true;
    }
    state.sending = false;
    ui.typing.hidden = true;
    if (retry) {
      showOffline();
      const delay = Math.min(2000 * 2 ** state.attempt, MAX_BACKOFF_MS) * (0.8 + Math.random() * 0.4);
      state.attempt += 1;
      state.retryTimer = setTimeout(flush, delay);
    } else {
      state.attempt = 0;
      hideOffline();
      flush();
    }
    scrollDown();
  }

  /** The id to send from now on: the server's answer names it (a new one when it did not know ours). */
  function useSession(id) {
    if ((id !== null && typeof id !== 'string') || id === state.sessionId) return;
    state.sessionId = id;
    store.set('session', id);
    if (id) listen();
    else stopListening();
    if (ui.forget) ui.forget.hidden = !id;
  }

  function delivered(entry) {
    entry.pending = false;
    save();
    root.querySelector(`.cw-msg[data-id="${CSS.escape(entry.id)}"]`)?.classList.remove('cw-pending');
  }

  function showOffline() {
    if (ui.notice) {
      ui.log.append(ui.notice); // moved to the end, after what was typed meanwhile
      return;
    }
    const retry = el('button', { type: 'button', class: 'cw-retry', text: state.labels.retry || '' });
    retry.addEventListener('click', () => {
      state.attempt = 0;
      flush();
    });
    ui.notice = el('div', { class: 'cw-notice', role: 'alert' }, [el('p', { class: 'cw-notice-text', text: state.labels.offline || '' }), retry]);
    ui.log.append(ui.notice);
  }

  function hideOffline() {
    const hadFocus = ui.notice?.contains(root.activeElement);
    ui.notice?.remove();
    ui.notice = null;
    if (hadFocus) ui.input.focus();
  }

  // ---- "Delete my data" (the server erases the conversation, its subscriptions and notices) ----

  /** Asks first, in the conversation: one click by mistake must not erase it. */
  function askToForget() {
    if (root.querySelector('.cw-confirm')) return;
    const l = state.labels;
    const yes = el('button', { type: 'button', class: 'cw-retry cw-confirm-yes', text: l.forget_yes || '' });
    const no = el('button', { type: 'button', class: 'cw-retry cw-confirm-no', text: l.cancel || '' });
    const box = el('div', { class: 'cw-notice cw-confirm', role: 'alert' }, [el('p', { class: 'cw-notice-text', text: l.forget_confirm || '' }), yes, no]);
    const done = () => {
      box.remove();
      ui.input.focus();
    };
    no.addEventListener('click', done);
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      if (await forget()) done();
      else yes.disabled = false;
    });
    ui.log.append(box);
    scrollDown();
    yes.focus();
  }

  /** Erases the conversation on the server, then this browser's copy; false when the server could not be reached (nothing erased). */
  async function forget() {
    let text = '';
    try {
      const res = await request(`/api/chat/${encodeURIComponent(state.sessionId)}`, { method: 'DELETE' });
      // 403: the server holds nothing under this id (any more); only this browser's copy is left to erase.
      if (res.ok) text = (await res.json()).text;
      else if (res.status !== 403) throw new Error(`HTTP ${res.status}`);
    } catch {
      showOffline();
      return false;
    }
    clearTimeout(state.retryTimer);
    hideOffline();
    useSession(null);
    state.transcript = [];
    state.quickReplies = [];
    ui.log.replaceChildren();
    renderQuickReplies();
    save();
    if (text) addMessage({ id: newId(), from: 'bot', text, lang: state.lang });
    return true;
  }

  // ---- notifications (status changes the citizen asked to hear about) ----

  async function poll() {
    if (!state.sessionId) return; // nothing subscribed before the first answer
    try {
      const res = await request(`/api/chat/${encodeURIComponent(state.sessionId)}/notifications`);
      if (res.status === 403) useSession(null); // an id the server no longer knows: the next message gets a new one
      if (!res.ok) return;
      const { notifications = [] } = await res.json();
      for (const text of notifications) addMessage({ id: newId(), from: 'bot', text });
    } catch {
      /* the next poll will try again */
    }
  }

  // ---- events (a staff member's reply as it arrives, while the panel is open) ----

  function listen() {
    if (!state.open || !state.sessionId || !window.EventSource) return;
    if (state.events && state.events.url.endsWith(`/${encodeURIComponent(state.sessionId)}/events`) && state.events.readyState !== 2) return;
    stopListening();
    const events = new EventSource(`${API}/api/chat/${encodeURIComponent(state.sessionId)}/events`);
    events.addEventListener('notice', (event) => {
      try {
        const { text, from } = JSON.parse(event.data);
        if (typeof text === 'string' && text) addMessage({ id: newId(), from: from === 'staff' ? 'staff' : 'bot', text });
      } catch {
        /* not a notice of ours */
      }
    });
    state.events = events;
  }

  function stopListening() {
    if (state.events) state.events.close();
    state.events = null;
  }

  // ---- open, close, language ----

  /** The crisis notices in force, in the widget's language (a notice not written in it says in which it is). */
  async function showNotices() {
    const query = new URLSearchParams({ lang: state.lang, ...(script.dataset.org ? { org: script.dataset.org } : {}) });
    try {
      const res = await request(`/api/chat/notices?${query}`);
      if (!res.ok) return; // the banner stays as it was until the next try
      const { notices } = await res.json();
      ui.banner.replaceChildren(...notices.map((n) => el('p', { class: 'cw-banner-text' }, [linkify(n.text)])));
      ui.banner.hidden = notices.length === 0;
    } catch {
      // offline: the banner stays as it was
    }
  }

  function open() {
    state.open = true;
    showNotices();
    ui.panel.hidden = false;
    ui.root.classList.add('cw-open');
    ui.launcher.setAttribute('aria-expanded', 'true');
    ui.launcherText.textContent = state.labels.close || '';
    scrollDown();
    ui.input.focus();
    poll();
    clearInterval(state.pollTimer);
    state.pollTimer = setInterval(poll, POLL_MS);
    listen();
    flush();
  }

  function close() {
    state.open = false;
    ui.panel.hidden = true;
    ui.root.classList.remove('cw-open');
    ui.launcher.setAttribute('aria-expanded', 'false');
    ui.launcherText.textContent = state.labels.open || '';
    clearInterval(state.pollTimer);
    stopListening();
    ui.launcher.focus();
  }

  async function pickLanguage(lang) {
    state.picked = lang;
    store.set('picked', lang);
    try {
      const body = await fetchLabels(lang);
      if (body) useLanguage(body);
    } catch {
      state.lang = lang; // labels stay in the previous language until the server is back
      ui.panel.lang = lang;
    }
  }

  async function followLanguage(lang) {
    try {
      const body = await fetchLabels(lang);
      if (body && !state.picked) useLanguage(body);
    } catch {
      // the labels stay as they are until the next answer
    }
  }

  function useLanguage(body) {
    state.lang = body.lang;
    state.langs = body.langs;
    state.names = body.names || {};
    state.labels = body.labels;
    applyLabels();
    showNotices();
  }

  async function start() {
    const body = await loadLanguage();
    build();
    useLanguage(body);
    // Messages the server never got before the page was left are sent once it answers.
    if (state.transcript.some((e) => e.pending)) flush();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
})();
