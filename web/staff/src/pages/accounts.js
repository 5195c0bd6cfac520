import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { meta, orgName, t } from '../i18n.js';
import { errorText, Loading, Notice, PageTitle, useLoad } from '../ui.js';

const ROLES = ['admin', 'editor', 'viewer'];
const MIN_PASSWORD = 12;
const listOf = (data) => data.staff ?? data.accounts ?? [];

export function Accounts({ session, onExpired }) {
  const [data, error, reload] = useLoad(() => api('GET', '/api/admin/staff').then(listOf), onExpired);
  const [notice, setNotice] = useState(null);
  if (!data) return html`<${PageTitle}>${t('accounts.title')}<//>${error ? html`<p role="alert">${errorText(error)}</p>` : html`<${Loading} />`}`;
  const done = (text) => {
    setNotice({ text });
    reload();
  };
  return html`
    <${PageTitle}>${t('accounts.title')}<//>
    <p class="intro">${t('accounts.intro')}</p>
    <${Notice} notice=${notice} />
    <section aria-labelledby="accounts-list">
      <h2 id="accounts-list">${t('accounts.list')}</h2>
      <div class="cards">
        ${data.map((account) => html`<${AccountCard} key=${account.username} account=${account} self=${account.username === session.username} onDone=${done} onError=${(err) => setNotice({ error: true, text: errorText(err) })} />`)}
      </div>
    </section>
    <${AddAccount} onDone=${done} />
  `;
}

/** Role and organisations: the same fields to add an account and to change one. */
function RoleAndOrgs({ idPrefix, role, orgs, lang, onRole, onOrgs, onLang }) {
  return html`
    <div class="field">
      <label for=${`${idPrefix}-role`}>${t('accounts.role')}</label>
      <select id=${`${idPrefix}-role`} value=${role} onChange=${(e) => onRole(e.currentTarget.value)}>
        ${ROLES.map((r) => html`<option value=${r}>${t(`roles.${r}`)}</option>`)}
      </select>
    </div>
    <fieldset disabled=${role === 'admin'}>
      <legend>${role === 'admin' ? t('accounts.allOrgs') : t('accounts.orgs')}</legend>
      ${meta.organisations.map(
        (o) => html`<label class="choice"
          ><input type="checkbox" checked=${role === 'admin' || orgs.includes(o.id)} onChange=${(e) => onOrgs(e.currentTarget.checked ? [...orgs, o.id] : orgs.filter((x) => x !== o.id))} />
          ${o.name}</label
        >`,
      )}
    </fieldset>
    <div class="field">
      <label for=${`${idPrefix}-lang`}>${t('accounts.lang')}</label>
      <select id=${`${idPrefix}-lang`} value=${lang ?? ''} onChange=${(e) => onLang(e.currentTarget.value || undefined)}>
        <option value="">${t('accounts.browserLang')}</option>
        ${meta.langs.map((l) => html`<option value=${l} lang=${l}>${meta.names[l] ?? l}</option>`)}
      </select>
    </div>
  `;
}

function AddAccount({ onDone }) {
  const [form, setForm] = useState({ username: '', password: '', role: 'editor', orgs: [] });
  const [notice, setNotice] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    if (form.role !== 'admin' && !form.orgs.length) return setNotice({ error: true, text: t('accounts.needOrg') });
    try {
      const { lang, ...rest } = form;
      await api('POST', '/api/admin/staff', { ...rest, ...(lang ? { lang } : {}), username: form.username.trim(), orgs: form.role === 'admin' ? [] : form.orgs });
      onDone(t('accounts.added', { username: form.username.trim() }));
      setForm({ username: '', password: '', role: 'editor', orgs: [] });
      setNotice(null);
    } catch (err) {
      setNotice({ error: true, text: errorText(err) });
    }
  };
  return html`<form class="card" onSubmit=${submit} aria-labelledby="add-title">
    <h2 id="add-title">${t('accounts.add')}</h2>
    <div class="field">
      <label for="add-username">${t('login.username')}</label>
      <input id="add-username" required maxlength="64" autocomplete="off" autocapitalize="none" spellcheck="false" value=${form.username} onInput=${(e) => setForm({ ...form, username: e.currentTarget.value })} />
    </div>
    <div class="field">
      <label for="add-password">${t('login.password')}</label>
      <input id="add-password" type="password" required minlength=${MIN_PASSWORD} maxlength="1024" autocomplete="new-password" aria-describedby="add-password-hint" value=${form.password} onInput=${(e) => setForm({ ...form, password: e.currentTarget.value })} />
      <p class="hint" id="add-password-hint">${t('accounts.passwordRule', { min: MIN_PASSWORD })}</p>
    </div>
    <${RoleAndOrgs} idPrefix="add" role=${form.role} orgs=${form.orgs} lang=${form.lang} onRole=${(role) => setForm({ ...form, role })} onOrgs=${(orgs) => setForm({ ...form, orgs })} onLang=${(lang) => setForm({ ...form, lang })} />
    <${Notice} notice=${notice} />
    <button type="submit">${t('accounts.addButton')}</button>
  </form>`;
}

function AccountCard({ account, self, onDone, onError }) {
  const [role, setRole] = useState(account.role);
  const [orgs, setOrgs] = useState(account.orgs ?? []);
  const [lang, setLang] = useState(account.lang);
  const [password, setPassword] = useState('');
  const [confirming, setConfirming] = useState(false);
  const id = `acc-${account.username.replace(/[^a-z0-9_-]/gi, '_')}`;
  const run = async (request, text) => {
    try {
      await request();
      onDone(text);
    } catch (err) {
      onError(err);
    }
  };
  const save = (e) => {
    e.preventDefault();
    run(() => api('PATCH', `/api/admin/staff/${encodeURIComponent(account.username)}`, { role, orgs: role === 'admin' ? [] : orgs, ...(lang ? { lang } : {}) }), t('accounts.saved', { username: account.username }));
  };
  const setNewPassword = (e) => {
    e.preventDefault();
    run(() => api('PATCH', `/api/admin/staff/${encodeURIComponent(account.username)}`, { password }), t('accounts.passwordSet', { username: account.username }));
    setPassword('');
  };
  const remove = () => run(() => api('DELETE', `/api/admin/staff/${encodeURIComponent(account.username)}`), t('accounts.removed', { username: account.username }));
  const orgNames = account.role === 'admin' ? t('accounts.allOrgs') : (account.orgs ?? []).map(orgName).join(', ');
  return html`<article class="card" aria-labelledby=${`${id}-name`}>
    <h3 id=${`${id}-name`}>${account.username}</h3>
    <p>${t(`roles.${account.role}`)} · ${orgNames}</p>
    <form onSubmit=${save}>
      <${RoleAndOrgs} idPrefix=${id} role=${role} orgs=${orgs} lang=${lang} onRole=${setRole} onOrgs=${setOrgs} onLang=${setLang} />
      <button type="submit">${t('accounts.save')}<span class="sr-only"> ${account.username}</span></button>
    </form>
    <form onSubmit=${setNewPassword}>
      <div class="field">
        <label for=${`${id}-password`}>${t('accounts.newPassword')}</label>
        <input id=${`${id}-password`} type="password" required minlength=${MIN_PASSWORD} maxlength="1024" autocomplete="new-password" value=${password} onInput=${(e) => setPassword(e.currentTarget.value)} />
      </div>
      <button type="submit" class="secondary">${t('accounts.setPassword')}<span class="sr-only"> ${account.username}</span></button>
    </form>
    ${!self &&
    (confirming
      ? html`<p class="confirm" role="group" aria-label=${t('accounts.confirmRemove', { username: account.username })}>
          ${t('accounts.confirmRemove', { username: account.username })}
          <button type="button" class="danger" onClick=${remove}>${t('accounts.remove')}</button>
          <button type="button" class="secondary" onClick=${() => setConfirming(false)}>${t('accounts.cancel')}</button>
        </p>`
      : html`<button type="button" class="danger" onClick=${() => setConfirming(true)}>${t('accounts.remove')}<span class="sr-only"> ${account.username}</span></button>`)}
  </article>`;
}
