import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { inLang, meta, number, orgName, orgOf, t, when } from '../i18n.js';
import { errorText, filled, Loading, Notice, PageTitle, TextsByLanguage, useLoad } from '../ui.js';

/** "org:paiporta" or "office:paiporta-oficina-unica" -> the request's target. */
const target = (value) => {
  const [kind, id] = value.split(':');
  return kind === 'org' ? { org: id } : { office: id };
};

export function Announcements({ onExpired }) {
  const [data, error, reload] = useLoad(
    async () => {
      const [{ offices }, list] = await Promise.all([api('GET', '/api/admin/offices'), api('GET', '/api/admin/announcements')]);
      return { offices, announcements: list.announcements ?? [] };
    },
    onExpired,
  );
  // Deliveries are counted as they are made: while some are still going out, the list is read again.
  const delivering = data?.announcements.some((a) => a.reached < a.recipients);
  useEffect(() => {
    if (!delivering) return undefined;
    const timer = setInterval(reload, 3000);
    return () => clearInterval(timer);
  }, [delivering]);
  if (error) return html`<${PageTitle}>${t('announcements.title')}<//><p role="alert">${errorText(error)}</p>`;
  if (!data) return html`<${PageTitle}>${t('announcements.title')}<//><${Loading} />`;
  const officeName = (id) => inLang(data.offices.find((o) => o.id === id)?.name) || id;
  return html`
    <${PageTitle}>${t('announcements.title')}<//>
    <p class="intro">${t('announcements.intro')}</p>
    <${Compose} offices=${data.offices} onSent=${reload} />
    <section aria-labelledby="sent-title">
      <h2 id="sent-title">${t('announcements.sent')}</h2>
      ${data.announcements.length === 0
        ? html`<p>${t('announcements.noneYet')}</p>`
        : html`<ol class="entries">
            ${data.announcements.map(
              (a) => html`<li class="card entry">
                <p class="entry-head"><span>${when(a.at)}</span> · <strong>${a.by}</strong> · <span>${a.office ? officeName(a.office) : t('announcements.wholeOrg', { org_of: orgOf(a.org) })}</span></p>
                <p class="entry-text">${inLang(a.texts)}</p>
                <p class="muted">${t('announcements.reached')}: ${t('announcements.reachedOf', { reached: number(a.reached ?? 0), recipients: number(a.recipients ?? 0) })}</p>
              </li>`,
            )}
          </ol>`}
    </section>
  `;
}

function Compose({ offices, onSent }) {
  const orgs = [...new Set(offices.map((o) => o.organisation))];
  const [to, setTo] = useState(orgs.length ? `org:${orgs[0]}` : '');
  const [texts, setTexts] = useState({});
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);
  const org = to.startsWith('org:') ? to.slice(4) : offices.find((o) => `office:${o.id}` === to)?.organisation;
  const defaultLang = meta.organisations.find((o) => o.id === org)?.lang;

  const send = async (e) => {
    e.preventDefault();
    const written = filled(texts);
    if (!Object.keys(written).length) return setNotice({ error: true, text: t('announcements.empty') });
    setBusy(true);
    setNotice(null);
    try {
      const res = await api('POST', '/api/admin/announcements', { ...target(to), texts: written });
      const count = res.announcement?.recipients;
      setNotice({ text: typeof count === 'number' ? t('announcements.queuedCount', { count }) : t('announcements.queued') });
      setTexts({});
      onSent();
    } catch (err) {
      setNotice({ error: true, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  return html`<form class="card" onSubmit=${send} aria-labelledby="compose-title">
    <h2 id="compose-title">${t('announcements.compose')}</h2>
    <div class="field">
      <label for="announce-to">${t('announcements.to')}</label>
      <select id="announce-to" value=${to} onChange=${(e) => setTo(e.currentTarget.value)}>
        ${orgs.map(
          (o) => html`<optgroup label=${orgName(o)}>
            <option value=${`org:${o}`}>${t('announcements.wholeOrg', { org_of: orgOf(o) })}</option>
            ${offices.filter((office) => office.organisation === o).map((office) => html`<option value=${`office:${office.id}`}>${inLang(office.name)}</option>`)}
          </optgroup>`,
        )}
      </select>
    </div>
    <fieldset>
      <legend>${t('announcements.message')}</legend>
      <p class="hint">${t('announcements.hint')}</p>
      <${TextsByLanguage} idPrefix="announce" values=${texts} onInput=${setTexts} first=${defaultLang} />
    </fieldset>
    <${Notice} notice=${notice} />
    <button type="submit" disabled=${busy}>${t('announcements.send')}</button>
  </form>`;
}
