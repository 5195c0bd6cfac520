import type { VNode } from 'preact';
import { html } from 'htm/preact';
import { render } from 'preact-render-to-string';
import type { Lang } from '../../knowledge/schema.js';
import type { Translate } from '../../shared/i18n.js';
import type { OfficeState, OrganisationState, ServiceState, StatusSnapshot } from './snapshot.js';
import { capitalize, expectedWhen, moment, pick, type Written } from './words.js';

// Server-rendered with preact (htm's tagged templates): every value is escaped by the renderer, and the page needs no script.

/** Where the page's links go: the live server's routes, or the files of the static export beside it. */
export interface PageLinks {
  css: string;
  page(lang: Lang): string;
  feed(org: string, lang: Lang): string;
  json: string;
}

export interface PageTexts {
  /** The page's own texts (locales/<lang>/status-page.json). */
  t: Translate;
  /** The bot's texts in the page's language: the languages' names (`note_language.*`). */
  bot: Translate;
  /** Each language by its own name ("Valencià"), for the language menu. */
  names: Record<Lang, string>;
}

/** A translated sentence with a <time> where its {{date}} goes. */
function sentence(template: (date: string) => string, iso: string, shown: string): VNode {
  const [before, after] = template('\u0000').split('\u0000');
  return html`${before}<time datetime=${iso}>${shown}</time>${after}`;
}

/** A staff text; one in another language than the page's says so and carries its own `lang`. */
function writtenText(written: Written, lang: Lang, texts: PageTexts): VNode {
  if (written.lang === lang) return html`${capitalize(written.text)}`;
  return html`<span class="other-lang">${texts.t('written_in', { language: texts.bot(`note_language.${written.lang}`) })}</span> <span lang=${written.lang}>${capitalize(written.text)}</span>`;
}

type Item = (OfficeState & { kind?: undefined }) | ServiceState;

function card(item: Item, org: OrganisationState, lang: Lang, texts: PageTexts): VNode {
  const { t } = texts;
  const tz = org.timeZone;
  const isOffice = !('kind' in item) || item.kind === undefined;
  const name = pick(item.name, lang, org.language);
  // The snapshot leaves out the expected return of what works again.
  const when = expectedWhen(isOffice ? (item as OfficeState).expectedReopening : (item as ServiceState).expected, lang, org.language, tz);
  const note = pick(item.note, lang, org.language);
  const showChanged = item.updatedAt && item.updatedAt !== item.since;
  return html`<li class=${`card ${isOffice ? 'office' : 'service'} is-${item.status}`} id=${item.id}>
    <h4 lang=${name && name.lang !== lang ? name.lang : undefined}>${capitalize(name?.text ?? item.id)}</h4>
    <dl>
      <div class="row state"><dt>${t('status')}</dt><dd><span class="badge">${t(`${isOffice ? 'office' : 'service'}.${item.status}`)}</span></dd></div>
      ${item.since && html`<div class="row"><dt>${t('since')}</dt><dd><time datetime=${item.since}>${moment(item.since, lang, tz)}</time></dd></div>`}
      ${when && html`<div class="row"><dt>${t(isOffice ? 'expected_office' : 'expected_service')}</dt><dd>${when.datetime ? html`<time datetime=${when.datetime}>${when.text}</time>` : writtenText(when, lang, texts)}</dd></div>`}
      ${note && html`<div class="row"><dt>${t('note')}</dt><dd>${writtenText(note, lang, texts)}</dd></div>`}
      ${showChanged && html`<div class="row"><dt>${t('changed')}</dt><dd><time datetime=${item.updatedAt}>${moment(item.updatedAt!, lang, tz)}</time></dd></div>`}
    </dl>
  </li>`;
}

function organisation(org: OrganisationState, lang: Lang, texts: PageTexts, links: PageLinks): VNode {
  const { t } = texts;
  const name = pick(org.name, lang, org.language)?.text ?? org.id;
  const place = pick(org.place, lang, org.language);
  const heading = `${org.id}-title`;
  const list = (title: string, items: Item[]) =>
    items.length > 0 && html`<h3>${title}</h3><ul class="cards">${items.map((item) => card(item, org, lang, texts))}</ul>`;
  return html`<section class="organisation" id=${`org-${org.id}`} aria-labelledby=${heading}>
    <h2 id=${heading}>${name}</h2>
    ${place && html`<p class="place" lang=${place.lang !== lang ? place.lang : undefined}>${capitalize(place.text)}</p>`}
    <p class="last-change">${org.lastChange ? sentence((date) => t('last_change', { date }), org.lastChange, moment(org.lastChange, lang, org.timeZone)) : t('no_change')}</p>
    ${list(t('offices'), org.offices)}
    ${list(t('services'), org.services)}
    ${org.offices.length + org.services.length === 0 && html`<p>${t('none')}</p>`}
    <p class="feed"><a href=${links.feed(org.id, lang)} type="application/atom+xml">${t('feed', { org_name: name })}</a></p>
  </section>`;
}

/** The whole page in one language, as HTML (WCAG 2.1 AA: landmarks, headings, text beside every colour, `lang` on every part in another language). */
export function statusPage(snapshot: StatusSnapshot, lang: Lang, texts: PageTexts, links: PageLinks): string {
  const { t } = texts;
  const orgName = (org: OrganisationState) => pick(org.name, lang, org.language)?.text ?? org.id;
  const zone = snapshot.organisations.find((o) => o.timeZone)?.timeZone;
  const page = html`<html lang=${lang}>
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>${t('title')}</title>
      <link rel="stylesheet" href=${links.css} />
      ${snapshot.langs.filter((l) => l !== lang).map((l) => html`<link rel="alternate" hreflang=${l} href=${links.page(l)} />`)}
      ${snapshot.organisations.map((org) => html`<link rel="alternate" type="application/atom+xml" href=${links.feed(org.id, lang)} title=${t('feed', { org_name: orgName(org) })} />`)}
    </head>
    <body>
      <a class="skip" href="#main">${t('skip')}</a>
      <header>
        <nav class="langs" aria-label=${t('languages')}>
          <ul>
            ${snapshot.langs.map((l) =>
              l === lang
                ? html`<li><a href=${links.page(l)} lang=${l} hreflang=${l} aria-current="page">${texts.names[l] ?? l}</a></li>`
                : html`<li><a href=${links.page(l)} lang=${l} hreflang=${l}>${texts.names[l] ?? l}</a></li>`,
            )}
          </ul>
        </nav>
        <h1>${t('title')}</h1>
        <p>${t('intro')}</p>
        <p class="updated">${sentence((date) => t('updated', { date }), snapshot.generatedAt, moment(snapshot.generatedAt, lang, zone))}</p>
      </header>
      <main id="main">
        ${snapshot.organisations.length > 1 &&
        html`<nav class="contents" aria-label=${t('contents')}><ul>${snapshot.organisations.map((org) => html`<li><a href=${`#org-${org.id}`}>${orgName(org)}</a></li>`)}</ul></nav>`}
        ${snapshot.organisations.map((org) => organisation(org, lang, texts, links))}
      </main>
      <footer>
        <p>${t('footer')}</p>
        <p><a href=${links.json} type="application/json">${t('json')}</a></p>
      </footer>
    </body>
  </html>`;
  return `<!DOCTYPE html>\n${render(page)}\n`;
}
