// What citizens will read, shown before anything is sent: the notice in each language, and who gets it.
import { html } from './html.js';
import { currentLang, number, t } from './i18n.js';
import { langName } from './ui.js';

/** "9 subscribers will be told: 6 on the web chat and 3 on Telegram." */
export function AudienceLine({ audience }) {
  if (!audience.total) return html`<p class="audience" data-audience="0">${t('preview.nobody')}</p>`;
  const parts = Object.entries(audience.channels)
    .sort((a, b) => b[1] - a[1])
    .map(([channel, n]) => t('preview.onChannel', { count: n, channel: t(`channels.${channel}`, { defaultValue: channel }) }));
  const list = new Intl.ListFormat(currentLang(), { type: 'conjunction' }).format(parts);
  return html`<p class="audience" data-audience=${audience.total}>${t('preview.audience', { count: audience.total, channels: list })}</p>`;
}

/** Each language's text as citizens will read it; the organisation's language first, then those with subscribers. */
export function TextsPreview({ texts, langs = {}, first }) {
  const rank = (l) => (l === first ? -1e9 : -(langs[l] ?? 0));
  const order = Object.keys(texts).sort((a, b) => rank(a) - rank(b));
  return html`<div class="said-list">
    ${order.map(
      (lang) => html`<section class="said-preview" data-lang=${lang} aria-labelledby=${`said-${lang}`}>
        <h3 id=${`said-${lang}`}>${t('texts.in', { language: langName(lang) })}${langs[lang] ? html` <span class="muted">· ${t('preview.people', { count: langs[lang], n: number(langs[lang]) })}</span>` : ''}</h3>
        <p class="said" lang=${lang}>${texts[lang]}</p>
      </section>`,
    )}
  </div>`;
}
