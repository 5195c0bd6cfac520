import { useEffect, useMemo, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, inBatches } from '../api.js';
import { currentLang, meta, number, t } from '../i18n.js';
import { ChartPanel } from '../chart-panel.js';
import { toCsv } from '../csv.js';
import { errorText, langName, Loading, PageTitle, useLoad } from '../ui.js';

/** The server keeps days in UTC, and refuses ranges longer than this. */
const MAX_DAYS = 366;
const DAY_MS = 86_400_000;
/** Intents drawn as their own series in the stacked chart; the rest are summed as "other". */
const TOP_INTENTS = 7;

const isoDay = (d) => d.toISOString().slice(0, 10);
function daysBetween(from, to) {
  const days = [];
  for (let d = Date.parse(`${from}T00:00:00Z`); d <= Date.parse(`${to}T00:00:00Z`); d += DAY_MS) days.push(isoDay(new Date(d)));
  return days;
}
const dayLabel = (day) => new Intl.DateTimeFormat(currentLang(), { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
const sorted = (counts) => Object.entries(counts ?? {}).sort((a, b) => b[1] - a[1]);
const label = (group, id) => t(`${group}.${id}`, { defaultValue: id });
const notUnderstood = (s) => (typeof s.notUnderstood === 'number' ? s.notUnderstood : Math.max(s.unanswered?.length ?? 0, s.intents?.out_of_scope ?? 0));

/** Per day, from the server's per-day figures if it gives them, else one request per day. */
async function load(from, to) {
  const q = (f, t2) => api('GET', `/api/admin/stats?from=${f}&to=${t2}`);
  const total = await q(from, to);
  const days = daysBetween(from, to);
  const perDay = Array.isArray(total.days) ? total.days : await inBatches(days, 4, (d) => q(d, d));
  return { total, days, perDay };
}

export function Insights({ onExpired }) {
  const today = isoDay(new Date());
  const [range, setRange] = useState({ from: isoDay(new Date(Date.now() - 6 * DAY_MS)), to: today });
  const [form, setForm] = useState(range);
  const [problem, setProblem] = useState('');
  const [data, error] = useLoad(() => load(range.from, range.to), onExpired, [range.from, range.to]);

  const apply = (e) => {
    e.preventDefault();
    const length = (Date.parse(form.to) - Date.parse(form.from)) / DAY_MS + 1;
    if (!(length >= 1)) return setProblem(t('insights.backwards'));
    if (length > MAX_DAYS) return setProblem(t('insights.tooLong', { max: MAX_DAYS }));
    setProblem('');
    setRange({ ...form });
  };

  return html`
    <${PageTitle}>${t('insights.title')}<//>
    <p class="intro">${t('insights.intro')}</p>
    <form class="card range" onSubmit=${apply}>
      <div class="field">
        <label for="range-from">${t('insights.from')}</label>
        <input id="range-from" type="date" required max=${today} value=${form.from} onInput=${(e) => setForm({ ...form, from: e.currentTarget.value })} />
      </div>
      <div class="field">
        <label for="range-to">${t('insights.to')}</label>
        <input id="range-to" type="date" required max=${today} value=${form.to} onInput=${(e) => setForm({ ...form, to: e.currentTarget.value })} />
      </div>
      <button type="submit">${t('insights.show')}</button>
      ${problem && html`<p class="notice-slot error" role="alert">${problem}</p>`}
    </form>
    ${error ? html`<p role="alert">${errorText(error)}</p>` : !data ? html`<${Loading} />` : html`<${Charts} data=${data} />`}
  `;
}

function Charts({ data }) {
  const { total, days, perDay } = data;
  const charts = useMemo(() => {
    const dayLabels = days.map(dayLabel);
    const top = sorted(total.intents).slice(0, TOP_INTENTS).map(([id]) => id);
    const rest = (s) => Object.entries(s.intents ?? {}).filter(([id]) => !top.includes(id)).reduce((n, [, c]) => n + c, 0);
    const byIntent = [...top.map((id) => ({ label: label('intents', id), data: perDay.map((s) => s.intents?.[id] ?? 0) }))];
    if (perDay.some((s) => rest(s) > 0)) byIntent.push({ label: t('chart.other'), data: perDay.map(rest) });
    const one = (group, counts, name = (id) => label(group, id)) => {
      const entries = sorted(counts);
      return { labels: entries.map(([id]) => name(id)), series: [{ label: t('chart.questions'), data: entries.map(([, n]) => n) }] };
    };
    const officeName = (id) => meta.offices?.[id] ?? id;
    const offices = one('offices', Object.fromEntries(sorted(total.offices).slice(0, 10)), officeName);
    const share = { labels: dayLabels, series: [{ label: t('insights.notUnderstoodShare'), data: perDay.map((s) => (s.total ? notUnderstood(s) / s.total : 0)) }] };
    const frequent = {};
    for (const q of total.unanswered ?? []) {
      const text = q.text.trim().toLowerCase();
      frequent[text] = (frequent[text] ?? 0) + 1;
    }
    return {
      byIntent: { labels: dayLabels, series: byIntent },
      langs: one('langs', total.langs, langName),
      channels: one('channels', total.channels),
      offices,
      share,
      frequent: sorted(frequent).slice(0, 20),
    };
  }, [data, currentLang()]);

  if (!total.total) return html`<p class="empty" role="status">${t('chart.empty')}</p>`;
  const share = notUnderstood(total) / total.total;
  return html`
    <p class="summary" role="status">${t('insights.summary', { total: number(total.total), share: number(share, { style: 'percent', maximumFractionDigits: 1 }) })}</p>
    <div class="panels">
      <${ChartPanel} id="by-intent" title=${t('insights.byIntent')} axis=${t('chart.day')} labels=${charts.byIntent.labels} series=${charts.byIntent.series} stacked=${true} />
      <${ChartPanel} id="by-language" title=${t('insights.byLanguage')} axis=${t('chart.language')} labels=${charts.langs.labels} series=${charts.langs.series} horizontal=${true} />
      <${ChartPanel} id="by-channel" title=${t('insights.byChannel')} axis=${t('chart.channel')} labels=${charts.channels.labels} series=${charts.channels.series} horizontal=${true} />
      <${ChartPanel} id="not-understood" title=${t('insights.notUnderstood')} axis=${t('chart.day')} labels=${charts.share.labels} series=${charts.share.series} type="line" percent=${true} />
      <${ChartPanel} id="offices" title=${t('insights.offices')} axis=${t('chart.office')} labels=${charts.offices.labels} series=${charts.offices.series} horizontal=${true} />
      <${Unanswered} rows=${charts.frequent} />
    </div>
  `;
}

function Unanswered({ rows }) {
  const axis = t('insights.question');
  const csv = useMemo(() => URL.createObjectURL(new Blob(['\ufeff', toCsv(axis, rows.map(([q]) => q), [{ label: t('insights.times'), data: rows.map(([, n]) => n) }])], { type: 'text/csv;charset=utf-8' })), [rows]);
  useEffect(() => () => URL.revokeObjectURL(csv), [csv]);
  return html`<section class="panel" aria-labelledby="unanswered-title" data-chart="unanswered">
    <h2 id="unanswered-title">${t('insights.unanswered')}</h2>
    <p class="hint">${t('insights.unansweredHint')}</p>
    ${rows.length === 0
      ? html`<p>${t('insights.noUnanswered')}</p>`
      : html`<div class="table-wrap" tabindex="0" role="region" aria-labelledby="unanswered-title">
          <table>
            <thead><tr><th scope="col">${axis}</th><th scope="col">${t('insights.times')}</th></tr></thead>
            <tbody>${rows.map(([q, n]) => html`<tr><td>${q}</td><td class="num">${number(n)}</td></tr>`)}</tbody>
          </table>
        </div>`}
    <p><a class="download" href=${csv} download="unanswered.csv">${t('chart.csv')}<span class="sr-only">: ${t('insights.unanswered')}</span></a></p>
  </section>`;
}
