// One chart with its data as a table beside it (what a screen reader reads) and as a CSV file.
import { useEffect, useMemo, useRef } from 'preact/hooks';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { html } from './html.js';
import { toCsv } from './csv.js';
import { number, t } from './i18n.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

/** Okabe & Ito's palette, told apart with every common colour-vision deficiency; black last. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

/**
 * props: id, title, axis (the first column's heading), labels, series [{label, data}],
 * type 'bar'|'line', stacked, horizontal, percent (values are shares 0..1).
 */
export function ChartPanel({ id, title, axis, labels, series, type = 'bar', stacked = false, horizontal = false, percent = false }) {
  const canvas = useRef(null);
  const shown = (v) => (percent ? number(v, { style: 'percent', maximumFractionDigits: 1 }) : number(v));
  useEffect(() => {
    // The value axis: from zero, whole numbers for counts.
    const values = { beginAtZero: true, ticks: { precision: percent ? undefined : 0, callback: (v) => shown(v) } };
    const chart = new Chart(canvas.current, {
      type,
      data: {
        labels,
        datasets: series.map((s, i) => ({
          label: s.label,
          data: s.data,
          backgroundColor: PALETTE[i % PALETTE.length],
          borderColor: PALETTE[i % PALETTE.length],
          borderWidth: type === 'line' ? 2 : 0,
          maxBarThickness: 32,
        })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: horizontal ? 'y' : 'x',
        plugins: { legend: { display: series.length > 1, position: 'bottom' }, tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${shown(c.raw)}` } } },
        scales: {
          x: { stacked, ...(horizontal ? values : {}) },
          y: { stacked, ...(horizontal ? {} : values) },
        },
      },
    });
    return () => chart.destroy();
  }, [labels, series, type, stacked, horizontal, percent]);

  const csv = useMemo(() => URL.createObjectURL(new Blob(['\ufeff', toCsv(axis, labels, series)], { type: 'text/csv;charset=utf-8' })), [axis, labels, series]);
  useEffect(() => () => URL.revokeObjectURL(csv), [csv]);
  const tall = horizontal ? Math.max(200, labels.length * 28 + 60) : 280;

  return html`<section class="panel" aria-labelledby=${`${id}-title`} data-chart=${id}>
    <h2 id=${`${id}-title`}>${title}</h2>
    <div class="panel-body">
      <div class="chart" style=${{ height: `${tall}px` }}>
        <canvas ref=${canvas} role="img" aria-label=${t('chart.seeTable', { title })}></canvas>
      </div>
      <div class="table-wrap" tabindex="0" role="region" aria-label=${t('chart.table', { title })}>
        <table>
          <caption class="sr-only">${title}</caption>
          <thead>
            <tr><th scope="col">${axis}</th>${series.map((s) => html`<th scope="col">${s.label}</th>`)}</tr>
          </thead>
          <tbody>
            ${labels.map((label, i) => html`<tr><th scope="row">${label}</th>${series.map((s) => html`<td class="num">${shown(s.data[i])}</td>`)}</tr>`)}
          </tbody>
        </table>
      </div>
    </div>
    <p><a class="download" href=${csv} download=${`${id}.csv`}>${t('chart.csv')}<span class="sr-only">: ${title}</span></a></p>
  </section>`;
}
