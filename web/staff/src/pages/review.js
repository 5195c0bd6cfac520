import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, ApiError } from '../api.js';
import { number, orgName, t, when } from '../i18n.js';
import { errorText, langName, Loading, Notice, PageTitle, useLoad } from '../ui.js';

const intentName = (id) => t(`intents.${id}`, { defaultValue: id });
const percent = (p) => number(p, { style: 'percent', maximumFractionDigits: 0 });
const DAYS = 30;

/** What the server said to a lesson: taught, refused by the guard rail, or contradicting an example. */
function outcome(err) {
  if (!(err instanceof ApiError)) return errorText(err);
  if (err.status === 409) return t('review.contradicts', { message: err.message });
  if (err.status === 422) return t('review.refused', { message: err.message });
  return errorText(err);
}

/** Which model serves, and whether a retraining runs. */
function NluStatus({ nlu }) {
  return html`<section class="card" aria-labelledby="nlu-title">
    <h2 id="nlu-title">${t('review.nlu.title')}</h2>
    <dl class="facts" data-nlu>
      <dt>${t('review.nlu.version')}</dt><dd data-version>${nlu.version.slice(0, 12)}</dd>
      <dt>${t('review.nlu.trainedAt')}</dt><dd>${when(nlu.trainedAt)}</dd>
      <dt>${t('review.nlu.examples')}</dt><dd>${number(nlu.examples)}</dd>
      <dt>${t('review.nlu.taught')}</dt><dd data-taught>${number(nlu.taught)}</dd>
      ${nlu.validationAccuracy !== undefined && html`<dt>${t('review.nlu.accuracy')}</dt><dd>${percent(nlu.validationAccuracy)}</dd>`}
      <dt>${t('review.nlu.training')}</dt><dd>${nlu.training ? t('review.nlu.yes') : t('review.nlu.no')}</dd>
    </dl>
  </section>`;
}

function Item({ item, intents, onDone, setNotice }) {
  const [intent, setIntent] = useState(item.guesses[0]?.intent ?? 'out_of_scope');
  const [busy, setBusy] = useState(false);
  const decide = async (choice) => {
    setBusy(true);
    try {
      await api('POST', `/api/admin/review/${item.id}`, { intent: choice });
      setNotice({ text: choice === 'dismiss' ? t('review.dismissed') : t('review.taught', { intent: intentName(choice) }) });
      await onDone();
    } catch (err) {
      setNotice({ error: true, text: outcome(err) });
    } finally {
      setBusy(false);
    }
  };
  const id = `intent-${item.id}`;
  return html`<li class="card entry" data-review=${item.id}>
    <p class="quote" lang=${item.lang}>${item.text}</p>
    <p class="entry-head">
      ${t('review.seen', { count: item.count })} · ${langName(item.lang)} · ${item.channels.join(', ')}
      ${item.orgs.length > 0 && html` · ${item.orgs.map(orgName).join(', ')}`} · ${when(item.lastSeen)}
    </p>
    <p>${t('review.guesses')}: ${item.guesses.map((g) => `${intentName(g.intent)} (${percent(g.confidence)})`).join(', ')}</p>
    <div class="teach-row">
      <label for=${id}>${t('review.meant')}</label>
      <select id=${id} value=${intent} onChange=${(e) => setIntent(e.currentTarget.value)}>
        ${intents.map((i) => html`<option value=${i}>${intentName(i)}</option>`)}
      </select>
      <button type="button" disabled=${busy} onClick=${() => decide(intent)}>${busy ? t('review.training') : t('review.teach')}</button>
      <button type="button" class="secondary" disabled=${busy} onClick=${() => decide('dismiss')}>${t('review.dismiss')}</button>
    </div>
  </li>`;
}

/** The review list: what the bot did not understand, taught or dismissed here; the examples taught, and the model. */
export function Review({ onExpired }) {
  const [notice, setNotice] = useState(null);
  const [data, error, reload] = useLoad(async () => {
    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - (DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
    const [{ items }, nlu, { examples }] = await Promise.all([
      api('GET', `/api/admin/review?from=${from}&to=${to}`),
      api('GET', '/api/admin/nlu'),
      api('GET', '/api/admin/examples'),
    ]);
    return { items, nlu, examples };
  }, onExpired);
  const undo = async (example) => {
    try {
      await api('DELETE', `/api/admin/examples/${example.id}`);
      setNotice({ text: t('review.undone') });
      await reload();
    } catch (err) {
      setNotice({ error: true, text: outcome(err) });
    }
  };
  if (error) return html`<${PageTitle}>${t('review.title')}<//><p role="alert">${errorText(error)}</p>`;
  if (!data) return html`<${PageTitle}>${t('review.title')}<//><${Loading} />`;
  const intents = [...data.nlu.intents].sort((a, b) => intentName(a).localeCompare(intentName(b)));
  return html`
    <${PageTitle}>${t('review.title')}<//>
    <p class="intro">${t('review.intro', { days: DAYS })}</p>
    <${Notice} notice=${notice} />
    <${NluStatus} nlu=${data.nlu} />
    <h2>${t('review.listTitle')}</h2>
    ${data.items.length === 0
      ? html`<p>${t('review.empty')}</p>`
      : html`<ol class="entries">${data.items.map((item) => html`<${Item} key=${item.id} item=${item} intents=${intents} onDone=${reload} setNotice=${setNotice} />`)}</ol>`}
    <h2>${t('review.examplesTitle')}</h2>
    ${data.examples.length === 0
      ? html`<p>${t('review.noExamples')}</p>`
      : html`<ul class="entries">
          ${data.examples.map(
            (e) => html`<li class="card entry" data-example=${e.id}>
              <p class="quote" lang=${e.lang}>${e.text}</p>
              <p class="entry-head">${intentName(e.intent)} · ${langName(e.lang)} · <strong>${e.by}</strong> · ${when(e.at)}</p>
              <button type="button" class="secondary" onClick=${() => undo(e)}>${t('review.undo')}</button>
            </li>`,
          )}
        </ul>`}
  `;
}
