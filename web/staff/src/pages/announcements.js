import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { currentLang, inLang, meta, number, orgName, orgOf, t, when } from '../i18n.js';
import { actorName } from '../offices.js';
import { AudienceLine, TextsPreview } from '../preview.js';
import { errorText, filled, langName, Loading, Notice, PageTitle, TextsByLanguage, useLoad } from '../ui.js';
import { CrisisNoticeForm } from './crisis-notice.js';
// The server's own rule of which languages are stale (bundled from its source).
import { freshestLang, restamp, staleLangs } from '../../../../src/knowledge/freshness.ts';

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
  if (!data) return html`<${PageTitle}>${t('announcements.title')}<//>${error ? html`<p role="alert">${errorText(error)}</p>` : html`<${Loading} />`}`;
  const officeName = (id) => inLang(data.offices.find((o) => o.id === id)?.name) || id;
  return html`
    <${PageTitle}>${t('announcements.title')}<//>
    <p class="intro">${t('announcements.intro')}</p>
    ${error && html`<p class="notice-slot error" role="alert">${errorText(error)}</p>`}
    <${CrisisNoticeForm} orgs=${[...new Set(data.offices.map((o) => o.organisation))]} onExpired=${onExpired} />
    <${Compose} offices=${data.offices} onSent=${reload} />
    <section aria-labelledby="sent-title">
      <h2 id="sent-title">${t('announcements.sent')}</h2>
      ${data.announcements.length === 0
        ? html`<p>${t('announcements.noneYet')}</p>`
        : html`<ol class="entries">
            ${data.announcements.map(
              (a) => html`<li key=${a.id} class="card entry" data-announcement=${a.id}>
                <p class="entry-head"><span>${when(a.at)}</span> · <strong>${actorName(a.by)}</strong> · <span>${a.office ? officeName(a.office) : t('announcements.wholeOrg', { org_of: orgOf(a.org) })}</span></p>
                <dl class="texts">
                  ${Object.entries(a.texts).map(
                    ([lang, text]) => html`<dt>${langName(lang)}</dt><dd lang=${lang}>${text}${a.stale?.includes(lang) ? html` <span class="hint warning" lang=${currentLang()}>${t('announcements.staleSent', { language: langName(freshestLang(a.texts, a.written)) })}</span>` : ''}</dd>`,
                  )}
                </dl>
                <p class="muted">${t('announcements.delivered', { reached: number(a.reached ?? 0), recipients: number(a.recipients ?? 0), count: a.recipients ?? 0 })}</p>
              </li>`,
            )}
          </ol>`}
    </section>
  `;
}

/** Write, see what each subscriber will read and how many will get it, then send. */
function Compose({ offices, onSent }) {
  const orgs = [...new Set(offices.map((o) => o.organisation))];
  const [to, setTo] = useState(orgs.length ? `org:${orgs[0]}` : '');
  const [texts, setTexts] = useState({});
  // The texts as last reviewed, and when each language was written: a language edited after a review makes those not edited stale.
  const [reviewed, setReviewed] = useState({ texts: {}, written: {} });
  const [preview, setPreview] = useState(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);
  const heading = useRef(null);
  const org = to.startsWith('org:') ? to.slice(4) : offices.find((o) => `office:${o.id}` === to)?.organisation;
  const first = meta.organisations.find((o) => o.id === org)?.lang;
  useEffect(() => {
    if (preview) heading.current?.focus();
  }, [preview]);

  const current = filled(texts);
  const stamps = restamp(reviewed.texts, current, reviewed.written, new Date().toISOString());
  const newest = freshestLang(current, stamps);
  const flags = Object.fromEntries(staleLangs(current, stamps).map((l) => [l, newest]));

  const review = async (e) => {
    e.preventDefault();
    const written = filled(texts);
    if (!Object.keys(written).length) return setNotice({ error: true, text: t('announcements.empty') });
    setBusy(true);
    setNotice(null);
    setReviewed({ texts: written, written: stamps });
    const body = { ...target(to), texts: written, ...(Object.keys(stamps).length ? { written: stamps } : {}) };
    try {
      setPreview({ body, ...(await api('POST', '/api/admin/announcements/preview', body)) });
    } catch (err) {
      setNotice({ error: true, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };
  const send = async () => {
    setBusy(true);
    try {
      const res = await api('POST', '/api/admin/announcements', preview.body);
      setNotice({ text: t('announcements.queued', { count: res.announcement?.recipients ?? preview.subscribers.total }) });
      setTexts({});
      setReviewed({ texts: {}, written: {} });
      setPreview(null);
      onSent();
    } catch (err) {
      setNotice({ error: true, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  if (preview) {
    return html`<section class="card editor preview" aria-labelledby="announce-preview-title" data-preview="announcement">
      <h2 id="announce-preview-title" tabindex="-1" ref=${heading}>${t('preview.titleAnnouncement')}</h2>
      <${AudienceLine} audience=${preview.subscribers} />
      <${TextsPreview} texts=${preview.notices} langs=${preview.subscribers.langs} first=${first} />
      <${Notice} notice=${notice} />
      <div class="actions-bar">
        <button type="button" disabled=${busy} onClick=${send}>${preview.subscribers.total ? t('preview.sendTo', { count: preview.subscribers.total }) : t('preview.sendAnyway')}</button>
        <button type="button" class="secondary" disabled=${busy} onClick=${() => setPreview(null)}>${t('preview.back')}</button>
      </div>
    </section>`;
  }
  return html`<form class="card editor" onSubmit=${review} aria-labelledby="compose-title">
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
      <${TextsByLanguage} idPrefix="announce" values=${texts} onInput=${setTexts} first=${first} stale=${flags} />
    </fieldset>
    <${Notice} notice=${notice} />
    <div class="actions-bar">
      <button type="submit" disabled=${busy}>${t('announcements.review')}</button>
    </div>
  </form>`;
}
