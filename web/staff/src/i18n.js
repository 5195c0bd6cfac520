// The console's texts (locales/<lang>/console.json, served at /staff/texts/:lang) through i18next.
import i18next from 'i18next';

const i18n = i18next.createInstance();
/** Languages the server has, their own names, and the organisations' names, of the language loaded. */
export const meta = { langs: [], names: {}, organisations: [], offices: {} };
const CHOSEN = 'staff-console-lang';

export const t = (key, values) => i18n.t(key, values);
export const currentLang = () => i18n.language;

/**
 * The language to show: the one picked in this browser with the menu, else the account's, else
 * the first of the browser's languages the bot has ("ca-ES-valencia" -> ca), else English.
 */
export function pickLang(accountLang) {
  let chosen;
  try {
    chosen = localStorage.getItem(CHOSEN);
  } catch {
    chosen = null;
  }
  const browser = (navigator.languages?.length ? navigator.languages : [navigator.language]).map((l) => String(l).toLowerCase().split('-')[0]);
  const wanted = [chosen, accountLang, ...browser].filter(Boolean);
  const have = meta.langs.length ? meta.langs : ['es', 'ca', 'it', 'sv', 'en'];
  return wanted.find((l) => have.includes(l)) ?? (have.includes('en') ? 'en' : have[0]);
}

/** Loads a language's texts from the server and switches to it. */
export async function loadLang(lang, remember = false) {
  const res = await fetch(`/staff/texts/${encodeURIComponent(lang)}`, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`texts ${res.status}`);
  const data = await res.json();
  Object.assign(meta, { langs: data.langs, names: data.names, organisations: data.organisations, offices: data.offices });
  if (!i18n.isInitialized) {
    await i18n.init({ lng: data.lang, resources: {}, interpolation: { escapeValue: false }, returnNull: false });
  }
  i18n.addResourceBundle(data.lang, 'translation', data.texts, true, true);
  await i18n.changeLanguage(data.lang);
  document.documentElement.lang = data.lang;
  if (remember) {
    try {
      localStorage.setItem(CHOSEN, data.lang);
    } catch {
      // Private mode: the choice lasts this page only.
    }
  }
  return data.lang;
}

/** A name in the language shown: a knowledge-base text ({es, ca, …}), else the first it has. */
export function inLang(text, lang = currentLang()) {
  if (!text || typeof text === 'string') return text ?? '';
  return text[lang] ?? text.en ?? text.es ?? Object.values(text)[0] ?? '';
}

export const orgName = (id) => meta.organisations.find((o) => o.id === id)?.name ?? id;
/** The organisation's name after "of" ("del Ayuntamiento de Paiporta"), for the texts' {{org_of}}. */
export const orgOf = (id) => meta.organisations.find((o) => o.id === id)?.of ?? orgName(id);

/** "12 Dec 2026, 10:30" in the language shown (Intl). */
export function when(iso) {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(currentLang(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

export const number = (n, options) => new Intl.NumberFormat(currentLang(), options).format(n);
