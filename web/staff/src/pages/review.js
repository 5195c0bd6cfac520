import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, ApiError } from '../api.js';
import { number, orgName, t, when } from '../i18n.js';
import { errorText, langName, Loading, Notice, PageTitle, useLoad } from '../ui.js';
import { actorName } from '../offices.js';

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

/** Which model serves, and whether a retraining runs: for the curious, folded away at the end. */
function NluStatus({ nlu }) {
  return html`<details class="card nlu" data-nlu>
    <summary>${t('review.nlu.title')}</summary>
    <dl class="facts">
      <dt>${t('review.nlu.trainedAt')}</dt><dd>${when(nlu.trainedAt)}</dd>
      <dt>${t('review.nlu.examples')}</dt><dd>${number(nlu.examples)}</dd>
      <dt>${t('review.nlu.taught')}</dt><dd data-taught>${number(nlu.taught)}</dd>
      ${nlu.validationAccuracy !== undefined && html`<dt>${t('review.nlu.accuracy')}</dt><dd>${percent(nlu.validationAccuracy)}</dd>`}
      <dt>${t('review.nlu.training')}</dt><dd>${nlu.training ? t('review.nlu.yes') : t('review.nlu.no')}</dd>
    </dl>
  </details>`;
}

/**
 * One message to teach. Once decided it stays where it is, saying what happened (the next one does
 * not slide under the finger); the list is read again when the page is opened again.
 */
function Item({ item, intents, onTaught }) {
  const [intent, setIntent] = useState(item.guesses[0]?.intent ?? 'out_of_scope');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);
  const [done, setDone] = useState(false);
  const decide = async (choice) => {
    setBusy(true);
    try {
      await api('POST', `/api/admin/review/${item.id}`, { intent: choice });
      setNotice({ text: choice === 'dismiss' ? t('review.dismissed') : t('review.taught', { intent: intentName(choice) }) });
      setDone(true);
      if (choice !== 'dismiss') onTaught();
    } catch (err) {
      setNotice({ error: true, text: outcome(err) });
    } finally {
      setBusy(false);
    }
  };
  const id = `intent-${item.id}`;
  return html`<li class=${`card entry${done ? ' decided' : ''}`} data-review=${item.id}>
    <p class="quote" lang=${item.lang}>${item.text}</p>
    <p class="entry-head">
      ${t('review.seen', { count: item.count })} · ${langName(item.lang)} · ${item.channels.map((c) => t(`channels.${c}`, { defaultValue: c })).join(', ')}
      ${item.orgs.length > 0 && html` · ${item.orgs.map(orgName).join(', ')}`} · ${when(item.lastSeen)}
    </p>
    ${!done &&
    html`<p>${t('review.guesses')}: ${item.guesses.map((g) => `${intentName(g.intent)} (${percent(g.confidence)})`).join(', ')}</p>
      <div class="teach-row">
        <label for=${id}>${t('review.meant')}</label>
        <select id=${id} value=${intent} onChange=${(e) => setIntent(e.currentTarget.value)}>
          ${intents.map((i) => html`<option value=${i}>${intentName(i)}</option>`)}
        </select>
        <button type="button" disabled=${busy} onClick=${() => decide(intent)}>${busy ? t('review.training') : t('review.teach')}</button>
        <button type="button" class="secondary" disabled=${busy} onClick=${() => decide('dismiss')}>${t('review.dismiss')}</button>
      </div>`}
    <${Notice} notice=${notice} />
  </li>`;
}

/** The review list: what the bot did not understand or was unsure of, taught or dismissed here; the examples taught, and the model. */
export function Review({ onExpired }) {
  const [notice, setNotice] = useState(null);
  // The list is read when the page opens; the model and the examples again after each lesson.
  const [data, error] = useLoad(async () => {
    // Until today, each organisation's own (the server's default): after midnight in Elche it is still yesterday in UTC.
    const from = new Date(Date.now() - (DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
    return (await api('GET', `/api/admin/review?from=${from}`)).items;
  }, onExpired);
  const [model, modelError, reloadModel] = useLoad(async () => {
    const [nlu, { examples }] = await Promise.all([api('GET', '/api/admin/nlu'), api('GET', '/api/admin/examples')]);
    return { nlu, examples };
  }, onExpired);
  const undo = async (example) => {
    try {
      await api('DELETE', `/api/admin/examples/${example.id}`);
      setNotice({ text: t('review.undone') });
      await reloadModel();
    } catch (err) {
      setNotice({ error: true, text: outcome(err) });
    }
  };
  const failed = (!data && error) || (!model && modelError);
  if (!data || !model) return html`<${PageTitle}>${t('review.title')}<//>${failed ? html`<p role="alert">${errorText(failed)}</p>` : html`<${Loading} />`}`;
  const intents = [...model.nlu.intents].sort((a, b) => intentName(a).localeCompare(intentName(b)));
  const { examples } = model;
  return html`
    <${PageTitle}>${t('review.title')}<//>
    <p class="intro">${t('review.intro', { days: DAYS })}</p>
    <h2>${t('review.listTitle')}</h2>
    ${data.length === 0
      ? html`<p>${t('review.empty')}</p>`
      : html`<ol class="entries">${data.map((item) => html`<${Item} key=${item.id} item=${item} intents=${intents} onTaught=${reloadModel} />`)}</ol>`}
    <h2>${t('review.examplesTitle')}</h2>
    <${Notice} notice=${notice} />
    ${examples.length === 0
      ? html`<p>${t('review.noExamples')}</p>`
      : html`<ul class="entries">
            ${examples.map(
              (e) => html`<li class="card entry" data-example=${e.id}>
                <p class="quote" lang=${e.lang}>${e.text}</p>
                <p class="entry-head">${intentName(e.intent)} · ${langName(e.lang)} · <strong>${actorName(e.by)}</strong> · ${when(e.at)}</p>
                <button type="button" class="secondary" onClick=${() => undo(e)}>${t('review.undo')}</button>
              </li>`,
            )}
          </ul>`}
    <${NluStatus} nlu=${model.nlu} />
  `;
}
