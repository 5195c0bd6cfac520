import { useEffect, useMemo, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, inBatches } from '../api.js';
import { currentLang, meta, number, t } from '../i18n.js';
import { ChartPanel } from '../chart-panel.js';
import { toCsv } from '../csv.js';
import { errorText, langName, Loading, PageTitle, useLoad } from '../ui.js';

/** The server refuses ranges longer than this. */
const MAX_DAYS = 366;
const DAY_MS = 86_400_000;
/** Intents drawn as their own series in the stacked chart; the rest are summed as "other". */
const TOP_INTENTS = 7;
/** Not understood: apart from the topics, never ranked as one. */
const NOT_UNDERSTOOD = 'out_of_scope';
/** The whole of my organisations' questions (admins: every question), counted in UTC days. */
const ALL = '';

/** Today (YYYY-MM-DD) in a time zone: an organisation's own day; without one, UTC's. */
const today = (timeZone = 'UTC', at = new Date()) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
const shift = (day, days) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
function daysBetween(from, to) {
  const days = [];
  for (let d = from; d <= to; d = shift(d, 1)) days.push(d);
  return days;
}
const dayLabel = (day) => new Intl.DateTimeFormat(currentLang(), { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
const sorted = (counts) => Object.entries(counts ?? {}).sort((a, b) => b[1] - a[1]);
const label = (group, id) => t(`${group}.${id}`, { defaultValue: id });
const notUnderstood = (s) => s.intents?.[NOT_UNDERSTOOD] ?? 0;

/** What a grouped question was about: an office's name or a certificate's, in the language shown. */
function subject(id) {
  if (!id) return '';
  return meta.offices?.[id] ?? t(`certificates.${id}`, { defaultValue: id });
}

/** Per day, from one request per day (four at a time) when the range has more than one. */
async function load(from, to, org) {
  const q = (f, t2) => api('GET', `/api/admin/stats?from=${f}&to=${t2}${org ? `&org=${encodeURIComponent(org)}` : ''}`);
  const total = await q(from, to);
  const days = daysBetween(from, to);
  const perDay = days.length === 1 ? [total] : await inBatches(days, 4, (d) => q(d, d));
  return { total, days, perDay };
}

/** "What are people asking today?": opens on today in the organisation's time zone. */
export function Insights({ session, onExpired }) {
  const mine = meta.organisations.filter((o) => session.orgs === 'all' || session.role === 'admin' || session.orgs.includes(o.id));
  const choices = [...mine.map((o) => o.id), ...(session.role === 'admin' || mine.length > 1 ? [ALL] : [])];
  const [org, setOrg] = useState(choices[0] ?? ALL);
  const zone = meta.organisations.find((o) => o.id === org)?.timeZone;
  const now = today(org ? zone : 'UTC');
  const [range, setRange] = useState({ from: now, to: now });
  const [form, setForm] = useState(range);
  const [problem, setProblem] = useState('');
  const [data, error] = useLoad(() => load(range.from, range.to, org), onExpired, [range.from, range.to, org]);
  useEffect(() => {
    // Another organisation may live in another time zone: its today.
    setRange({ from: now, to: now });
    setForm({ from: now, to: now });
  }, [org]);

  const pick = (from, to) => {
    setProblem('');
    setForm({ from, to });
    setRange({ from, to });
  };
  const apply = (e) => {
    e.preventDefault();
    const length = (Date.parse(form.to) - Date.parse(form.from)) / DAY_MS + 1;
    if (!(length >= 1)) return setProblem(t('insights.backwards'));
    if (length > MAX_DAYS) return setProblem(t('insights.tooLong', { max: MAX_DAYS }));
    pick(form.from, form.to);
  };
  const isToday = range.from === now && range.to === now;
  const isWeek = range.from === shift(now, -6) && range.to === now;

  return html`
    <${PageTitle}>${t('insights.title')}<//>
    <p class="intro">${t('insights.intro')}</p>
    ${choices.length > 1 &&
    html`<div class="field">
      <label for="insights-org">${t('insights.org')}</label>
      <select id="insights-org" value=${org} onChange=${(e) => setOrg(e.currentTarget.value)}>
        ${choices.map((id) => html`<option value=${id}>${id ? meta.organisations.find((o) => o.id === id)?.name : t('insights.allOrgs')}</option>`)}
      </select>
    </div>`}
    <div class="quick-range" role="group" aria-label=${t('insights.when')}>
      <button type="button" class=${isToday ? '' : 'secondary'} aria-pressed=${isToday} onClick=${() => pick(now, now)}>${t('insights.today')}</button>
      <button type="button" class=${isWeek ? '' : 'secondary'} aria-pressed=${isWeek} onClick=${() => pick(shift(now, -6), now)}>${t('insights.week')}</button>
    </div>
    <details class="other-range">
      <summary>${t('insights.otherDays')}</summary>
      <form class="range" onSubmit=${apply}>
        <div class="field">
          <label for="range-from">${t('insights.from')}</label>
          <input id="range-from" type="date" required max=${now} value=${form.from} onInput=${(e) => setForm({ ...form, from: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="range-to">${t('insights.to')}</label>
          <input id="range-to" type="date" required max=${now} value=${form.to} onInput=${(e) => setForm({ ...form, to: e.currentTarget.value })} />
        </div>
        <button type="submit">${t('insights.show')}</button>
        ${problem && html`<p class="notice-slot error" role="alert">${problem}</p>`}
      </form>
    </details>
    <p class="hint">${org ? t('insights.daysOf', { zone }) : t('insights.daysUtc')}</p>
    ${error && !data ? html`<p role="alert">${errorText(error)}</p>` : !data ? html`<${Loading} />` : html`<${Charts} data=${data} isToday=${isToday} />`}
  `;
}

function Charts({ data, isToday }) {
  const { total, days, perDay } = data;
  const charts = useMemo(() => {
    const dayLabels = days.map(dayLabel);
    const topics = Object.fromEntries(Object.entries(total.intents ?? {}).filter(([id]) => id !== NOT_UNDERSTOOD));
    const top = sorted(topics).slice(0, TOP_INTENTS).map(([id]) => id);
    const rest = (s) => Object.entries(s.intents ?? {}).filter(([id]) => id !== NOT_UNDERSTOOD && !top.includes(id)).reduce((n, [, c]) => n + c, 0);
    const byIntent = [...top.map((id) => ({ label: label('intents', id), data: perDay.map((s) => s.intents?.[id] ?? 0) }))];
    if (perDay.some((s) => rest(s) > 0)) byIntent.push({ label: t('chart.other'), data: perDay.map(rest) });
    const one = (group, counts, name = (id) => label(group, id)) => {
      const entries = sorted(counts);
      return { labels: entries.map(([id]) => name(id)), series: [{ label: t('chart.questions'), data: entries.map(([, n]) => n) }] };
    };
    const officeName = (id) => meta.offices?.[id] ?? id;
    const asked = sorted(total.asked)
      .slice(0, 15)
      .map(([key, n]) => {
        const [intent, about] = key.split('|');
        return { topic: label('intents', intent), about: subject(about), n };
      });
    // The texts the bot did not understand (the review list also has those it answered unsure of), grouped.
    const frequent = {};
    for (const q of total.unanswered ?? []) {
      if (q.intent !== NOT_UNDERSTOOD) continue;
      const text = q.text.trim().toLowerCase();
      frequent[text] = (frequent[text] ?? 0) + 1;
    }
    return {
      byIntent: { labels: dayLabels, series: byIntent },
      langs: one('langs', total.langs, langName),
      channels: one('channels', total.channels),
      offices: one('offices', Object.fromEntries(sorted(total.offices).slice(0, 10)), officeName),
      share: { labels: dayLabels, series: [{ label: t('insights.notUnderstoodShare'), data: perDay.map((s) => (s.total ? notUnderstood(s) / s.total : 0)) }] },
      asked,
      frequent: sorted(frequent).slice(0, 20),
    };
  }, [data, currentLang()]);

  if (!total.total) return html`<p class="empty" role="status">${isToday ? t('insights.noneToday') : t('chart.empty')}</p>`;
  const missed = notUnderstood(total);
  const share = number(missed / total.total, { style: 'percent', maximumFractionDigits: 1 });
  return html`
    <p class="summary" role="status">${t(isToday ? 'insights.summaryToday' : 'insights.summary', { total: number(total.total), share, missed: number(missed), count: total.total })}</p>
    <div class="panels">
      <${Asked} rows=${charts.asked} />
      <${Unanswered} rows=${charts.frequent} />
      <${ChartPanel} id="by-intent" title=${t('insights.byIntent')} axis=${t('chart.day')} labels=${charts.byIntent.labels} series=${charts.byIntent.series} stacked=${true} />
      ${days.length > 1 && html`<${ChartPanel} id="not-understood" title=${t('insights.notUnderstood')} axis=${t('chart.day')} labels=${charts.share.labels} series=${charts.share.series} type="line" percent=${true} />`}
      <${ChartPanel} id="offices" title=${t('insights.offices')} axis=${t('chart.office')} labels=${charts.offices.labels} series=${charts.offices.series} horizontal=${true} />
      <${ChartPanel} id="by-language" title=${t('insights.byLanguage')} axis=${t('chart.language')} labels=${charts.langs.labels} series=${charts.langs.series} horizontal=${true} />
      <${ChartPanel} id="by-channel" title=${t('insights.byChannel')} axis=${t('chart.channel')} labels=${charts.channels.labels} series=${charts.channels.series} horizontal=${true} />
    </div>
  `;
}

/** A table with its CSV download (the same rows). */
function Table({ id, title, hint, empty, columns, rows }) {
  const csv = useMemo(
    () => URL.createObjectURL(new Blob(['\ufeff', toCsv(columns[0], rows.map((r) => r[0]), columns.slice(1).map((c, i) => ({ label: c, data: rows.map((r) => r[i + 1]) })))], { type: 'text/csv;charset=utf-8' })),
    [rows],
  );
  useEffect(() => () => URL.revokeObjectURL(csv), [csv]);
  return html`<section class="panel" aria-labelledby=${`${id}-title`} data-chart=${id}>
    <h2 id=${`${id}-title`}>${title}</h2>
    ${hint && html`<p class="hint">${hint}</p>`}
    ${rows.length === 0
      ? html`<p>${empty}</p>`
      : html`<div class="table-wrap" tabindex="0" role="region" aria-labelledby=${`${id}-title`}>
          <table>
            <thead><tr>${columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
            <tbody>${rows.map((r) => html`<tr>${r.map((cell, i) => (typeof cell === 'number' ? html`<td class="num">${number(cell)}</td>` : html`<td>${cell}</td>`))}</tr>`)}</tbody>
          </table>
        </div>`}
    <p><a class="download" href=${csv} download=${`${id}.csv`}>${t('chart.csv')}<span class="sr-only">: ${title}</span></a></p>
  </section>`;
}

/** The most frequent questions, grouped by what they asked about what (no citizen's words are kept for these). */
function Asked({ rows }) {
  return html`<${Table}
    id="asked"
    title=${t('insights.asked')}
    hint=${t('insights.askedHint')}
    empty=${t('insights.noAsked')}
    columns=${[t('insights.topic'), t('insights.about'), t('insights.times')]}
    rows=${rows.map((r) => [r.topic, r.about, r.n])}
  />`;
}

function Unanswered({ rows }) {
  return html`<${Table}
    id="unanswered"
    title=${t('insights.unanswered')}
    hint=${t('insights.unansweredHint')}
    empty=${t('insights.noUnanswered')}
    columns=${[t('insights.question'), t('insights.times')]}
    rows=${rows}
  />`;
}
