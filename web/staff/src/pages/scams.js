import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { meta, orgName, t, when } from '../i18n.js';
import { actorName } from '../offices.js';
import { errorText, Loading, Notice, PageTitle, useLoad } from '../ui.js';

const KINDS = ['phone', 'email', 'domain'];

/**
 * Known scam contacts of my organisations: the numbers, addresses and domains that pretend to be
 * them. A citizen who asks the bot about one is warned of it by name.
 */
export function Scams({ session, onExpired }) {
  const orgs = session.orgs === 'all' || session.role === 'admin' ? meta.organisations.map((o) => o.id) : session.orgs;
  const [picked, setPicked] = useState(null);
  const org = picked ?? orgs[0];
  return html`
    <${PageTitle}>${t('scams.title')}<//>
    <p class="intro">${t('scams.intro')}</p>
    ${orgs.length > 1 &&
    html`<div class="field org-pick">
      <label for="scam-org">${t('scams.org')}</label>
      <select id="scam-org" value=${org} onChange=${(e) => setPicked(e.currentTarget.value)}>${orgs.map((o) => html`<option value=${o}>${orgName(o)}</option>`)}</select>
    </div>`}
    ${org ? html`<${OrgScams} key=${org} org=${org} canEdit=${session.role !== 'viewer'} onExpired=${onExpired} />` : html`<p>${t('scams.noOrgs')}</p>`}
  `;
}

function OrgScams({ org, canEdit, onExpired }) {
  const [data, error, reload] = useLoad(() => api('GET', `/api/admin/organisations/${org}/scams`), onExpired, [org]);
  const [kind, setKind] = useState('phone');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);
  const act = async (request, done) => {
    setBusy(true);
    setNotice(null);
    try {
      await request();
      setNotice({ text: done });
      reload();
      return true;
    } catch (err) {
      setNotice({ error: true, text: errorText(err) });
      return false;
    } finally {
      setBusy(false);
    }
  };
  const add = async (e) => {
    e.preventDefault();
    if (!value.trim()) return setNotice({ error: true, text: t('scams.empty') });
    if (await act(() => api('POST', `/api/admin/organisations/${org}/scams`, { kind, value: value.trim() }), t('scams.added', { value: value.trim() }))) setValue('');
  };
  const remove = (s) => act(() => api('DELETE', `/api/admin/organisations/${org}/scams/${s.id}`), t('scams.removed', { value: s.written }));
  if (!data) return error ? html`<p role="alert">${errorText(error)}</p>` : html`<${Loading} />`;
  return html`
    ${canEdit &&
    html`<form class="card editor" onSubmit=${add} aria-labelledby="scam-add-title" data-form="scam">
      <h2 id="scam-add-title">${t('scams.add')}</h2>
      <div class="field">
        <label for="scam-kind">${t('scams.kind')}</label>
        <select id="scam-kind" value=${kind} onChange=${(e) => setKind(e.currentTarget.value)}>${KINDS.map((k) => html`<option value=${k}>${t(`scams.kinds.${k}`)}</option>`)}</select>
      </div>
      <div class="field">
        <label for="scam-value">${t('scams.value')}</label>
        <input id="scam-value" type="text" maxlength="300" autocomplete="off" aria-describedby="scam-value-hint" value=${value} onInput=${(e) => setValue(e.currentTarget.value)} />
        <p class="hint" id="scam-value-hint">${t(`scams.hints.${kind}`)}</p>
      </div>
      <div class="actions-bar"><button type="submit" disabled=${busy}>${t('scams.submit')}</button></div>
    </form>`}
    <${Notice} notice=${notice} />
    <section aria-labelledby="scam-list-title">
      <h2 id="scam-list-title">${t('scams.listed')}</h2>
      ${data.scams.length === 0
        ? html`<p>${t('scams.none')}</p>`
        : html`<ul class="entries">
            ${data.scams.map(
              (s) => html`<li key=${s.id} class="card entry" data-scam=${s.id}>
                <p class="entry-head"><strong>${s.written}</strong> · <span>${t(`scams.kinds.${s.kind}`)}</span></p>
                <p class="muted">${t('scams.by', { who: actorName(s.by), when: when(s.at) })}${s.value !== s.written ? ` · ${s.value}` : ''}</p>
                ${canEdit && html`<button type="button" class="secondary" disabled=${busy} onClick=${() => remove(s)} aria-label=${t('scams.removeOne', { value: s.written })}>${t('scams.remove')}</button>`}
              </li>`,
            )}
          </ul>`}
    </section>
    ${data.log.length > 0 &&
    html`<section aria-labelledby="scam-log-title">
      <h2 id="scam-log-title">${t('scams.log')}</h2>
      <ol class="entries">
        ${data.log.map((l, i) => html`<li key=${i}>${t(`scams.logged.${l.action}`, { when: when(l.at), who: actorName(l.actor), value: l.value })}</li>`)}
      </ol>
    </section>`}
  `;
}
