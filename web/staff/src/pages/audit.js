import { html } from '../html.js';
import { api } from '../api.js';
import { inLang, orgName, t, when } from '../i18n.js';
import { actorName, reopeningShown } from '../offices.js';
import { errorText, langName, Loading, PageTitle, useLoad } from '../ui.js';

const reopening = (v) => reopeningShown(v) || t('audit.nothing');

/** What one change changed, in words: status, expected reopening, notes of which languages. */
function changes(entry) {
  const { before = {}, after = {} } = entry;
  const out = entry.undoes ? [t('audit.undo')] : [];
  if (before.status !== after.status) out.push(t('audit.status', { from: before.status ? t(`status.${before.status}`) : t('audit.nothing'), to: t(`status.${after.status}`) }));
  if (JSON.stringify(before.expectedReopening ?? '') !== JSON.stringify(after.expectedReopening ?? '')) out.push(t('audit.reopening', { from: reopening(before.expectedReopening), to: reopening(after.expectedReopening) }));
  const langs = Object.keys({ ...before.notes, ...after.notes }).filter((l) => (before.notes ?? {})[l] !== (after.notes ?? {})[l]);
  if (langs.length) out.push(t('audit.notes', { languages: langs.map(langName).join(', ') }));
  return out.length ? out : [t('audit.same')];
}

/** A crisis notice set (until when, in which languages) or ended. */
const noticeChange = (e) =>
  e.action === 'end' ? t('audit.noticeEnded') : t('audit.noticeSet', { until: when(e.after?.until), languages: Object.keys(e.after?.text ?? {}).map(langName).join(', ') });

export function Audit({ onExpired }) {
  const [data, error] = useLoad(async () => {
    const [{ entries }, { offices }, facts, notices] = await Promise.all([
      api('GET', '/api/admin/audit'),
      api('GET', '/api/admin/offices'),
      api('GET', '/api/admin/knowledge/log'),
      api('GET', '/api/admin/notice-log'),
    ]);
    // Office changes, what staff did with the facts the bot gives and the crisis notices, newest first, in one list.
    const all = [...entries, ...facts.entries.map((e) => ({ ...e, facts: true })), ...notices.entries.map((e) => ({ ...e, notice: true }))].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    return { entries: all, offices };
  }, onExpired);
  if (!data) return html`<${PageTitle}>${t('audit.title')}<//>${error ? html`<p role="alert">${errorText(error)}</p>` : html`<${Loading} />`}`;
  const officeName = (id) => inLang(data.offices.find((o) => o.id === id)?.name) || id;
  return html`
    <${PageTitle}>${t('audit.title')}<//>
    <p class="intro">${t('audit.intro')}</p>
    ${data.entries.length === 0
      ? html`<p>${t('audit.empty')}</p>`
      : html`<ol class="entries">
          ${data.entries.map(
            (e) => html`<li class="card entry">
              <p class="entry-head"><span>${when(e.at)}</span> · <strong>${actorName(e.actor)}</strong> · <span>${e.notice ? orgName(e.org) : e.facts ? (e.scope === '_all' ? t('knowledge.log.all') : orgName(e.scope)) : officeName(e.office)}</span></p>
              <ul class="plain">${e.notice ? html`<li>${noticeChange(e)}</li>` : e.facts ? html`<li>${t(`knowledge.log.${e.action}`)}</li>` : changes(e).map((c) => html`<li>${c}</li>`)}</ul>
            </li>`,
          )}
        </ol>`}
  `;
}
