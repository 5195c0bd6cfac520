import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, ApiError } from '../api.js';
import { meta, orgName, t, when } from '../i18n.js';
import { actorName } from '../offices.js';
import { errorText, langName, Loading, Notice, PageTitle, useLoad } from '../ui.js';
import { fieldId, Problems, problemText } from '../knowledge/fields.js';
import { ContactsEditor, OfficesEditor, ProceduresEditor, ServicesEditor } from '../knowledge/sections.js';
import { fieldName, History } from '../knowledge/history.js';

/**
 * What the bot knows of my organisations: contacts, offices, services, procedures. A change is a
 * draft until it is published; before that, what the bot would answer with it, in each language;
 * after, the published changes with who and when, and the way back to any of them.
 */
export function Knowledge({ onExpired }) {
  const [overview, error] = useLoad(() => api('GET', '/api/admin/knowledge'), onExpired);
  const [picked, setPicked] = useState(null);
  if (!overview) return html`<${PageTitle}>${t('knowledge.title')}<//>${error ? html`<p role="alert">${errorText(error)}</p>` : html`<${Loading} />`}`;
  const orgs = overview.organisations;
  const org = picked ?? orgs[0];
  return html`
    <${PageTitle}>${t('knowledge.title')}<//>
    <p class="intro">${t('knowledge.intro')}</p>
    ${orgs.length > 1 &&
    html`<div class="field org-pick">
      <label for="k-org">${t('knowledge.org')}</label>
      <select id="k-org" value=${org} onChange=${(e) => setPicked(e.currentTarget.value)}>${orgs.map((o) => html`<option value=${o}>${orgName(o)}</option>`)}</select>
    </div>`}
    ${org ? html`<${OrgFacts} key=${org} org=${org} onExpired=${onExpired} />` : html`<p>${t('knowledge.noOrgs')}</p>`}
  `;
}

const notFound = (err) => {
  if (err instanceof ApiError && err.status === 404) return null;
  throw err;
};

/** One organisation's facts: the form on the draft (or on what is published), its preview, publication and history. */
function OrgFacts({ org, onExpired }) {
  const [loaded, error, reload] = useLoad(
    async () => {
      const [published, draft] = await Promise.all([api('GET', `/api/admin/knowledge/orgs/${org}`), api('GET', `/api/admin/knowledge/drafts/${org}`).catch(notFound)]);
      return { published, draft: draft?.draft ?? null };
    },
    onExpired,
    [org],
  );
  const [section, setSection] = useState(null);
  const [revision, setRevision] = useState(0);
  const [dirty, setDirty] = useState(false);
  const [problems, setProblems] = useState([]);
  const [notice, setNotice] = useState(null);
  const [preview, setPreview] = useState(null);
  const [langs, setLangs] = useState(meta.langs);
  const [busy, setBusy] = useState(false);
  const [stamp, setStamp] = useState(0);
  const [discarding, setDiscarding] = useState(false);
  const previewHeading = useRef(null);
  const problemsBox = useRef(null);

  useEffect(() => {
    if (!loaded) return;
    setSection(structuredClone(loaded.draft?.section ?? loaded.published.section));
    setRevision(loaded.draft?.revision ?? 0);
    setDirty(false);
  }, [loaded]);
  useEffect(() => previewHeading.current?.focus(), [preview]);
  useEffect(() => {
    if (problems.length) problemsBox.current?.focus();
  }, [problems]);

  if (!loaded || !section) return error ? html`<p role="alert">${errorText(error)}</p>` : html`<${Loading} />`;

  const first = section.organisation.language ?? meta.organisations.find((o) => o.id === org)?.lang ?? 'es';
  const published = {
    offices: loaded.published.section.offices.map((o) => o.id),
    services: loaded.published.section.services.map((s) => s.id),
    procedures: loaded.published.section.procedures.map((p) => p.id),
  };
  const change = (fn) => {
    const next = structuredClone(section);
    fn(next);
    setSection(next);
    setDirty(true);
    setPreview(null);
  };
  const refused = (err) => {
    const found = err instanceof ApiError ? err.body?.problems : undefined;
    if (found?.length) {
      setProblems(found);
      setNotice({ error: true, text: t('knowledge.notSaved') });
    } else setNotice({ error: true, text: err instanceof ApiError && err.status === 409 ? t(`knowledge.conflict.${err.body?.reason ?? 'conflict'}`) : errorText(err) });
  };
  /** Keeps the form as the draft (checked by the server first); true once it is kept. */
  const save = async () => {
    try {
      const { draft } = await api('PUT', `/api/admin/knowledge/drafts/${org}`, { revision, section });
      setRevision(draft.revision);
      setDirty(false);
      setProblems([]);
      return true;
    } catch (err) {
      refused(err);
      return false;
    }
  };
  const run = async (fn) => {
    setBusy(true);
    setNotice(null);
    try {
      await fn();
    } finally {
      setBusy(false);
    }
  };
  const saveDraft = (e) => {
    e?.preventDefault();
    run(async () => {
      if (await save()) setNotice({ text: t('knowledge.saved') });
    });
  };
  const showPreview = () =>
    run(async () => {
      if ((dirty || !revision) && !(await save())) return;
      try {
        const { answers } = await api('POST', `/api/admin/knowledge/drafts/${org}/preview`, { langs });
        setPreview(answers);
      } catch (err) {
        refused(err);
      }
    });
  const publish = () =>
    run(async () => {
      try {
        await api('POST', `/api/admin/knowledge/drafts/${org}/publish`, { revision });
        setPreview(null);
        setNotice({ text: t('knowledge.published') });
        setStamp((n) => n + 1);
        reload();
      } catch (err) {
        refused(err);
      }
    });
  const discard = () =>
    run(async () => {
      setDiscarding(false);
      try {
        await api('DELETE', `/api/admin/knowledge/drafts/${org}`);
        setNotice({ text: t('knowledge.discarded') });
        setProblems([]);
        reload();
      } catch (err) {
        refused(err);
      }
    });
  const restored = (text) => {
    setNotice({ text });
    setStamp((n) => n + 1);
    reload();
  };

  const draft = loaded.draft;
  const byPath = new Map(problems.map((p) => [p.path, p]));
  if (preview) {
    return html`<section class="editor k-preview" aria-labelledby="k-preview-title">
      <h2 id="k-preview-title" tabindex="-1" ref=${previewHeading}>${t('knowledge.preview.title')}</h2>
      <p class="hint">${t('knowledge.preview.intro')}</p>
      <${AnswersPreview} answers=${preview} />
      <${Notice} notice=${notice} />
      <div class="actions-bar">
        <button type="button" disabled=${busy} onClick=${publish}>${t('knowledge.preview.publish')}</button>
        <button type="button" class="secondary" disabled=${busy} onClick=${() => setPreview(null)}>${t('knowledge.preview.back')}</button>
      </div>
    </section>`;
  }
  return html`
    <p class="draft-state" data-draft=${draft ? draft.revision : 0}>
      ${draft ? t('knowledge.draftBy', { who: actorName(draft.by), when: when(draft.at) }) : t('knowledge.noDraft')}
    </p>
    ${draft?.stale && html`<p class="warn">${t('knowledge.stale')}</p>`}
    ${problems.length > 0 &&
    html`<div class="problems" role="alert" tabindex="-1" ref=${problemsBox}>
      <p><strong>${t('knowledge.problems', { count: problems.length })}</strong></p>
      <ul>
        ${problems.map((p) => html`<li><a href=${`#${fieldId(p.path)}`}>${p.path ? fieldName(p.path) : orgName(org)}</a><span>${problemText(p)}</span></li>`)}
      </ul>
    </div>`}
    <form class="k-form" onSubmit=${saveDraft} data-org=${org}>
      <${Problems.Provider} value=${{ byPath, first }}>
        <${ContactsEditor} section=${section} change=${change} />
        <${OfficesEditor} section=${section} change=${change} published=${published} />
        <${ServicesEditor} section=${section} change=${change} published=${published} />
        <${ProceduresEditor} section=${section} change=${change} published=${published} />
      <//>
      <fieldset class="preview-langs">
        <legend>${t('knowledge.preview.langs')}</legend>
        ${meta.langs.map(
          (l) => html`<label class="choice"
            ><input type="checkbox" checked=${langs.includes(l)} onChange=${(e) => setLangs(e.currentTarget.checked ? meta.langs.filter((x) => x === l || langs.includes(x)) : langs.filter((x) => x !== l))} />
            <span lang=${l}>${langName(l)}</span></label
          >`,
        )}
      </fieldset>
      <${Notice} notice=${notice} />
      <div class="actions-bar">
        ${dirty && html`<p class="actions-note">${t('knowledge.unsaved')}</p>`}
        <button type="submit" class="secondary" disabled=${busy}>${t('knowledge.save')}</button>
        <button type="button" disabled=${busy || !langs.length || (!dirty && !draft)} onClick=${showPreview}>${t('knowledge.preview.show')}</button>
      </div>
    </form>
    ${draft &&
    (discarding
      ? html`<p class="confirm" role="group" aria-label=${t('knowledge.confirmDiscard')}>
          ${t('knowledge.confirmDiscard')}
          <button type="button" class="danger" onClick=${discard}>${t('knowledge.discard')}</button>
          <button type="button" class="secondary" onClick=${() => setDiscarding(false)}>${t('knowledge.keep')}</button>
        </p>`
      : html`<button type="button" class="danger" onClick=${() => setDiscarding(true)}>${t('knowledge.discard')}</button>`)}
    <${History} org=${org} stamp=${stamp} onRestored=${restored} onExpired=${onExpired} />
  `;
}

/** Each language's questions with what the bot answers now and with the draft: the answers that change first, open. */
function AnswersPreview({ answers }) {
  const byLang = [...new Set(answers.map((a) => a.lang))];
  return html`<div class="said-list">
    ${byLang.map((lang) => {
      const mine = answers.filter((a) => a.lang === lang);
      const changed = mine.filter((a) => a.now !== a.after);
      return html`<section class="said-preview" data-lang=${lang} aria-labelledby=${`k-said-${lang}`}>
        <h3 id=${`k-said-${lang}`}>${t('texts.in', { language: langName(lang) })} <span class="muted">· ${t('knowledge.preview.changed', { count: changed.length })}</span></h3>
        ${mine.map(
          (a) => html`<details class="asked" open=${a.now !== a.after} data-changed=${a.now !== a.after}>
            <summary lang=${lang}>${a.question}</summary>
            ${a.now === a.after
              ? html`<p class="said" lang=${lang}>${a.after}</p><p class="muted">${t('knowledge.preview.same')}</p>`
              : html`<dl class="texts">
                  <dt>${t('knowledge.preview.after')}</dt>
                  <dd class="said after" lang=${lang}>${a.after}</dd>
                  <dt>${t('knowledge.preview.now')}</dt>
                  <dd class="said now" lang=${lang}>${a.now}</dd>
                </dl>`}
          </details>`,
        )}
      </section>`;
    })}
  </div>`;
}
