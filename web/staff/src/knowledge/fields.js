// The fields of the facts' editor: each knows its path in the organisation's facts (`offices.0.phone`),
// so that a problem the server finds there shows beside it, and a text per language shows which
// languages are empty and what citizens read in them instead.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { html } from '../html.js';
import { currentLang, meta, t } from '../i18n.js';
import { langName } from '../ui.js';

/** The server's problems by path, and the organisation's language (the one its names must have). */
export const Problems = createContext({ byPath: new Map(), first: 'es' });

/** The id of the input of a path (`k-offices-0-phone`): the problems' summary links to it. */
export const fieldId = (path) => `k-${path.replace(/[^a-z0-9]+/gi, '-')}`;

/** The problem of a field in words: the kind's own sentence, the server's reason for what has none. */
export function problemText(problem) {
  return t(`knowledge.problem.${problem.code}`, { defaultValue: '' }) || t('knowledge.problem.schema', { reason: problem.reason });
}

/** The problems at a path or inside it. */
export function problemsIn(byPath, path) {
  return [...byPath.entries()].filter(([p]) => p === path || p.startsWith(`${path}.`)).map(([, v]) => v);
}

function FieldError({ path }) {
  const { byPath } = useContext(Problems);
  const problem = byPath.get(path);
  return problem ? html`<p class="field-error" id=${`${fieldId(path)}-error`}>${problemText(problem)}</p>` : null;
}

/** What the field's input needs to say it is wrong, and where. */
function invalid(byPath, path, hint) {
  const wrong = byPath.has(path);
  const described = [wrong && `${fieldId(path)}-error`, hint && `${fieldId(path)}-hint`].filter(Boolean).join(' ');
  return { 'aria-invalid': wrong ? 'true' : undefined, 'aria-describedby': described || undefined };
}

/** One line of words (or a number, an address, a web address): type tel, email, url or text. */
export function Field({ path, label, value, onInput, type = 'text', hint, required = false, readOnly = false, maxLength = 500 }) {
  const { byPath } = useContext(Problems);
  const id = fieldId(path);
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <input id=${id} type=${type} value=${value ?? ''} required=${required} readOnly=${readOnly} maxlength=${maxLength}
      autocomplete="off" spellcheck=${type === 'text'} ...${invalid(byPath, path, hint)} onInput=${(e) => onInput(e.currentTarget.value)} />
    ${hint && html`<p class="hint" id=${`${id}-hint`}>${hint}</p>`}
    <${FieldError} path=${path} />
  </div>`;
}

/** A choice from a short list (a contact's kind, a service's state). */
export function Select({ path, label, value, options, onChange }) {
  const { byPath } = useContext(Problems);
  const id = fieldId(path);
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <select id=${id} value=${value} ...${invalid(byPath, path)} onChange=${(e) => onChange(e.currentTarget.value)}>
      ${options.map(([v, text]) => html`<option value=${v}>${text}</option>`)}
    </select>
    <${FieldError} path=${path} />
  </div>`;
}

/** Words a citizen reads where a language is left empty, as the bot picks them: Spanish, else English, else any. */
export function standIn(values) {
  const lang = ['es', 'en'].find((l) => present(values?.[l])) ?? Object.keys(values ?? {}).find((l) => present(values[l]));
  return lang && { lang, text: [values[lang]].flat().join(' / ') };
}
const present = (v) => (Array.isArray(v) ? v.some((x) => x.trim()) : !!v?.trim());

/**
 * A text in each of the bot's languages: the organisation's language first, the others folded away
 * (open when one holds text or a problem). An empty language says what citizens read in it instead
 * (`instead`: for a contact's label, the bot's own word). `lines`: one entry per line (steps, documents).
 */
export function TextFields({ path, label, values = {}, onInput, hint, multiline = false, lines = false, required = false, instead }) {
  const { byPath, first } = useContext(Problems);
  const rank = (l) => (l === first ? 0 : l === currentLang() ? 1 : 2);
  const [main, ...others] = [...meta.langs].sort((a, b) => rank(a) - rank(b));
  const fallback = standIn(values);
  const shown = (lang) => (lines ? (values[lang] ?? []).join('\n') : values[lang] ?? '');
  const set = (lang, text) => onInput({ ...values, [lang]: lines ? text.split('\n') : text });
  const field = (lang) => {
    const at = `${path}.${lang}`;
    const id = fieldId(at);
    const empty = !present(values[lang]);
    const missing = empty && (instead ? t('knowledge.missingWord', { language: langName(lang), word: instead }) : fallback && fallback.lang !== lang ? t('knowledge.missing', { language: langName(lang), other: langName(fallback.lang), text: fallback.text }) : '');
    const needed = required && lang === first;
    const note = missing || (needed ? t('knowledge.required', { language: langName(lang) }) : '');
    const attrs = { id, lang, ...invalid(byPath, at, note), onInput: (e) => set(lang, e.currentTarget.value) };
    return html`<div class=${`field${empty ? ' empty' : ''}`}>
      <label for=${id}>${t('texts.in', { language: langName(lang) })}</label>
      ${multiline || lines ? html`<textarea rows=${lines ? 3 : 2} maxlength="2000" ...${attrs} value=${shown(lang)}></textarea>` : html`<input type="text" maxlength="500" ...${attrs} value=${shown(lang)} />`}
      ${note && html`<p class=${`hint${missing ? ' missing' : ''}`} id=${`${id}-hint`}>${note}</p>`}
      <${FieldError} path=${at} />
    </div>`;
  };
  const open = others.some((l) => present(values[l]) || byPath.has(`${path}.${l}`));
  return html`<fieldset class="texts-field">
    <legend>${label}</legend>
    ${hint && html`<p class="hint">${hint}</p>`}
    ${main && field(main)}
    ${others.length > 0 &&
    html`<details class="other-langs" open=${open}>
      <summary>${t('knowledge.otherLangs', { count: others.filter((l) => !present(values[l])).length })}</summary>
      ${others.map(field)}
    </details>`}
    <${FieldError} path=${path} />
  </fieldset>`;
}

/** Checkboxes of a list of choices (an office's ways of serving, the offices a procedure is done at). */
export function Checks({ path, legend, options, checked, onChange }) {
  return html`<fieldset>
    <legend>${legend}</legend>
    ${options.map(
      ([v, text]) => html`<label class="choice"
        ><input type="checkbox" checked=${checked.includes(v)} onChange=${(e) => onChange(e.currentTarget.checked ? [...checked, v] : checked.filter((x) => x !== v))} />
        ${text}</label
      >`,
    )}
    <${FieldError} path=${path} />
  </fieldset>`;
}
