// The published changes of an organisation's facts: who, when, what changed in words, and the way back.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { meta, orgName, orgOf, t, when } from '../i18n.js';
import { actorName } from '../offices.js';
import { errorText, langName, useLoad } from '../ui.js';

/** A field's path in words: "Contacto 1 › Número", "Horario (valenciano)". */
export function fieldName(field) {
  const words = [];
  for (const part of field.split('.')) {
    if (/^\d+$/.test(part)) words[words.length - 1] = `${words.at(-1)} ${Number(part) + 1}`;
    else if (meta.langs.includes(part)) words[words.length - 1] = `${words.at(-1)} (${langName(part)})`;
    else words.push(t(`knowledge.field.${part}`, { defaultValue: part }));
  }
  return words.join(' › ');
}

/** The words of a field's value: an enum's name in the console's language ("phone" → "Teléfono"), else as written. */
const ENUMS = { type: 'knowledge.contactKind', modes: 'knowledge.mode', channels: 'knowledge.channel', notAvailable: 'knowledge.channel' };
function valueWords(kind, field, value) {
  const last = field.split('.').at(-1);
  const key = last === 'status' ? (kind === 'service' ? 'knowledge.serviceState' : 'status') : last === 'kind' ? (kind === 'service' ? 'knowledge.serviceKind' : 'knowledge.kind') : ENUMS[last];
  if (!value || !key) return value || t('knowledge.history.empty');
  return value
    .split(', ')
    .map((v) => t(`${key}.${v}`, { defaultValue: v }))
    .join(', ');
}

/** What a change did, entry by entry, field by field: «before» → «after». */
export function Changes({ changes }) {
  if (!changes.length) return html`<p class="muted">${t('knowledge.history.nothing')}</p>`;
  return html`<ul class="plain changes">
    ${changes.map(
      (c) => html`<li>
        <p class="change-head"><strong>${t(`knowledge.entry.${c.kind}`)}: ${c.kind === 'organisation' ? orgName(c.id) : meta.offices[c.id] ?? c.id}</strong> · ${t(`knowledge.history.${c.change}`)}</p>
        <ul class="plain">
          ${c.fields.map(
            (f) => html`<li class="field-change">
              <span class="what">${fieldName(f.field)}</span>: <del>${valueWords(c.kind, f.field, f.before)}</del> → <ins>${valueWords(c.kind, f.field, f.after)}</ins>
            </li>`,
          )}
        </ul>
      </li>`,
    )}
  </ul>`;
}

/** One published change, folded: its details are read when opened. */
function Published({ version, latest, org, onRestored, onError }) {
  const [open, setOpen] = useState(false);
  const [details, setDetails] = useState(null);
  const [asking, setAsking] = useState(false);
  const toggle = async (e) => {
    setOpen(e.currentTarget.open);
    if (e.currentTarget.open && !details) {
      try {
        setDetails(await api('GET', `/api/admin/knowledge/versions/${version.n}`));
      } catch (err) {
        onError(err);
      }
    }
  };
  const restore = async () => {
    setAsking(false);
    try {
      await api('POST', `/api/admin/knowledge/versions/${version.n}/rollback`, { org });
      onRestored(t('knowledge.history.restored', { when: when(version.at) }));
    } catch (err) {
      onError(err);
    }
  };
  const what = t(`knowledge.history.action.${version.action}`, { n: version.restores ?? 0 });
  return html`<li class="card entry" data-version=${version.n}>
    <details onToggle=${toggle}>
      <summary><span>${when(version.at)} · ${version.action === 'seed' ? '' : html`<strong>${actorName(version.by)}</strong> · `}${what}</span></summary>
      ${open && !details && html`<p class="loading" role="status">${t('loading')}</p>`}
      ${details && html`<${Changes} changes=${details.changes.filter((c) => c.org === org)} />`}
    </details>
    ${latest
      ? html`<p class="muted">${t('knowledge.history.inService')}</p>`
      : asking
        ? html`<p class="confirm" role="group" aria-label=${t('knowledge.history.confirm', { when: when(version.at) })}>
            ${t('knowledge.history.confirm', { when: when(version.at) })}
            <button type="button" onClick=${restore}>${t('knowledge.history.restore')}</button>
            <button type="button" class="secondary" onClick=${() => setAsking(false)}>${t('knowledge.keep')}</button>
          </p>`
        : html`<button type="button" class="secondary" onClick=${() => setAsking(true)}>${t('knowledge.history.restore')}<span class="sr-only"> ${when(version.at)}</span></button>`}
  </li>`;
}

/** The published changes of the organisation, newest first; `stamp` rises with each publication (read again). */
export function History({ org, stamp, onRestored, onExpired }) {
  const [error, setError] = useState(null);
  const [data] = useLoad(() => api('GET', '/api/admin/knowledge/versions?limit=50'), onExpired, [org, stamp]);
  const versions = (data?.versions ?? []).filter((v) => v.action === 'seed' || v.orgs.includes(org));
  return html`<section class="k-part history" aria-labelledby="k-history">
    <h2 id="k-history">${t('knowledge.history.title')}</h2>
    <p class="hint">${t('knowledge.history.intro', { org_of: orgOf(org) })}</p>
    ${error && html`<p class="notice-slot error" role="alert">${errorText(error)}</p>`}
    ${versions.length === 0
      ? html`<p>${t('knowledge.history.none')}</p>`
      : html`<ol class="entries">
          ${versions.map((v, i) => html`<${Published} key=${v.n} version=${v} latest=${i === 0} org=${org} onRestored=${onRestored} onError=${setError} />`)}
        </ol>`}
  </section>`;
}
