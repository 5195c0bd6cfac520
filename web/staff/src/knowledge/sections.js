// The parts of an organisation's facts, each its own editor: contacts and websites, offices,
// services and channels, procedures. Each changes a copy of the facts through `change(fn)`.
import { useContext, useState } from 'preact/hooks';
import { html } from '../html.js';
import { inLang, t } from '../i18n.js';
import { STATUSES } from '../offices.js';
import { Checks, Field, Problems, problemsIn, Select, TextFields } from './fields.js';

const CONTACT_KINDS = ['phone', 'switchboard', 'email', 'pec'];
const MODES = ['in_person', 'phone', 'online', 'appointment'];
const SERVICE_KINDS = ['website', 'e_office', 'phone_help', 'email', 'notice_board', 'family_portal', 'primary_care'];
const SERVICE_STATES = ['available', 'limited', 'unavailable', 'unknown'];
const PROCEDURE_KINDS = ['certificate', 'appointment', 'document_submission', 'transport_card', 'health'];
const CERTIFICATES = ['padron', 'address_change', 'life', 'digital'];
/** The ways a procedure is done: the first three can be said available, every one not available, any unknown. */
const CHANNELS = ['online', 'in_person', 'appointment', 'walk_in', 'phone', 'email', 'pec'];
const CAN_BE_AVAILABLE = new Set(['online', 'in_person', 'appointment']);

const options = (values, key) => values.map((v) => [v, t(`${key}.${v}`)]);

/** An id for something new: the organisation's, the words of its name, unique among those given. */
function newId(org, words, taken) {
  const base = `${org}-${String(words).normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`.slice(0, 90);
  let id = base;
  for (let n = 2; taken.includes(id); n++) id = `${base}-${n}`;
  return id;
}

/** What a procedure is, in words: its name, else its certificate or kind. */
export function procedureName(p) {
  return inLang(p.name) || (p.certificate ? t(`certificates.${p.certificate}`) : t(`knowledge.kind.${p.kind}`));
}

/** An entry's part of the page: open when it is new or has a problem. */
function Entry({ path, title, fresh, children }) {
  const { byPath } = useContext(Problems);
  return html`<details class="card entry-edit" open=${fresh || problemsIn(byPath, path).length > 0} data-path=${path}>
    <summary>${title}</summary>
    ${children}
  </details>`;
}

/** Remove, asked once more before it is done (only the draft changes). */
function Remove({ label, name, onRemove }) {
  const [asking, setAsking] = useState(false);
  if (!asking) return html`<button type="button" class="danger" onClick=${() => setAsking(true)}>${label}<span class="sr-only"> ${name}</span></button>`;
  return html`<p class="confirm" role="group" aria-label=${t('knowledge.confirmRemove', { name })}>
    ${t('knowledge.confirmRemove', { name })}
    <button type="button" class="danger" onClick=${onRemove}>${label}</button>
    <button type="button" class="secondary" onClick=${() => setAsking(false)}>${t('knowledge.keep')}</button>
  </p>`;
}

/** "Add": the name of the new entry (its id comes from it), and its kind where it has one. */
function AddEntry({ idPrefix, label, kinds, onAdd }) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState(kinds?.[0]?.[0]);
  const add = () => {
    if (!name.trim()) return;
    onAdd(name.trim(), kind);
    setName('');
  };
  return html`<div class="add-entry">
    <div class="field">
      <label for=${`${idPrefix}-name`}>${label}</label>
      <input id=${`${idPrefix}-name`} type="text" maxlength="200" value=${name} onInput=${(e) => setName(e.currentTarget.value)}
        onKeyDown=${(e) => e.key === 'Enter' && (e.preventDefault(), add())} />
    </div>
    ${kinds &&
    html`<div class="field">
      <label for=${`${idPrefix}-kind`}>${t('knowledge.kindLabel')}</label>
      <select id=${`${idPrefix}-kind`} value=${kind} onChange=${(e) => setKind(e.currentTarget.value)}>${kinds.map(([v, text]) => html`<option value=${v}>${text}</option>`)}</select>
    </div>`}
    <button type="button" class="secondary" disabled=${!name.trim()} onClick=${add}>${t('knowledge.add')}</button>
  </div>`;
}

export function ContactsEditor({ section, change }) {
  const org = section.organisation;
  const offices = [['', t('knowledge.contacts.wholeOrg')], ...section.offices.map((o) => [o.id, inLang(o.name)])];
  return html`<section class="k-part" aria-labelledby="k-contacts">
    <h2 id="k-contacts">${t('knowledge.contacts.title')}</h2>
    <p class="hint">${t('knowledge.contacts.intro')}</p>
    ${org.contacts.map((c, i) => {
      const at = `organisation.contacts.${i}`;
      const kind = t(`knowledge.contactKind.${c.type}`);
      const name = inLang(c.label) || kind;
      const set = (fn) => change((s) => fn(s.organisation.contacts[i]));
      return html`<article class="card contact" key=${i} data-path=${at}>
        <h3>${name}${c.value ? ` · ${c.value}` : ''}</h3>
        <${Select} path=${`${at}.type`} label=${t('knowledge.contacts.kind')} value=${c.type} options=${options(CONTACT_KINDS, 'knowledge.contactKind')} onChange=${(v) => set((x) => (x.type = v))} />
        <${Field} path=${`${at}.value`} label=${c.type === 'email' || c.type === 'pec' ? t('knowledge.contacts.address') : t('knowledge.contacts.number')}
          type=${c.type === 'email' || c.type === 'pec' ? 'email' : 'tel'} value=${c.value} required=${true} onInput=${(v) => set((x) => (x.value = v))}
          hint=${c.type === 'email' || c.type === 'pec' ? '' : t('knowledge.contacts.numberHint')} />
        <${Select} path=${`${at}.office`} label=${t('knowledge.contacts.office')} value=${c.office ?? ''} options=${offices}
          onChange=${(v) => set((x) => (v ? (x.office = v) : delete x.office))} />
        <${TextFields} path=${`${at}.label`} label=${t('knowledge.contacts.label')} hint=${t('knowledge.contacts.labelHint')} values=${c.label}
          instead=${kind} onInput=${(v) => set((x) => (x.label = v))} />
        <${Remove} label=${t('knowledge.contacts.remove')} name=${name} onRemove=${() => change((s) => s.organisation.contacts.splice(i, 1))} />
      </article>`;
    })}
    <button type="button" class="secondary" onClick=${() => change((s) => s.organisation.contacts.push({ type: 'phone', value: '', label: {} }))}>${t('knowledge.contacts.add')}</button>
    <div class="card">
      <${Field} path="organisation.website" type="url" label=${t('knowledge.contacts.website')} value=${org.website} hint=${t('knowledge.contacts.websiteHint')} onInput=${(v) => change((s) => (s.organisation.website = v))} />
      <${TextFields} path="organisation.officialSite" label=${t('knowledge.contacts.officialSite')} hint=${t('knowledge.contacts.officialSiteHint')} values=${org.officialSite} onInput=${(v) => change((s) => (s.organisation.officialSite = v))} />
    </div>
  </section>`;
}

export function OfficesEditor({ section, change, published }) {
  const org = section.organisation.id;
  const procedures = section.procedures.map((p) => [p.id, procedureName(p)]);
  const add = (name) =>
    change((s) => {
      const id = newId(org, name, [...published.offices, ...s.offices.map((x) => x.id)]);
      s.offices.push({ id, organisation: org, name: { [s.organisation.language ?? 'es']: name }, status: 'open', modes: ['in_person'], hours: {}, address: '', phone: '', email: '', service: {}, notes: {}, the: {}, of: {}, short: {}, aliases: [], reopened: false, expectedReopening: '', updatedAt: '' });
    });
  const remove = (id) =>
    change((s) => {
      s.offices = s.offices.filter((o) => o.id !== id);
      for (const c of s.organisation.contacts) if (c.office === id) delete c.office;
      for (const p of s.procedures) p.offices = p.offices.filter((o) => o !== id);
    });
  return html`<section class="k-part" aria-labelledby="k-offices">
    <h2 id="k-offices">${t('knowledge.offices.title')}</h2>
    <p class="hint">${t('knowledge.offices.intro')}</p>
    ${section.offices.map((o, i) => {
      const at = `offices.${i}`;
      const fresh = !published.offices.includes(o.id);
      const set = (fn) => change((s) => fn(s.offices[i]));
      const doneHere = section.procedures.filter((p) => p.offices.includes(o.id)).map((p) => p.id);
      return html`<${Entry} key=${o.id} path=${at} fresh=${fresh} title=${inLang(o.name) || o.id}>
        <${TextFields} path=${`${at}.name`} label=${t('knowledge.offices.name')} required=${true} values=${o.name} onInput=${(v) => set((x) => (x.name = v))} />
        ${fresh &&
        html`<${Select} path=${`${at}.status`} label=${t('knowledge.offices.status')} value=${o.status} options=${options(STATUSES, 'status')} onChange=${(v) => set((x) => (x.status = v))} />`}
        <${Field} path=${`${at}.address`} label=${t('knowledge.offices.address')} value=${o.address} onInput=${(v) => set((x) => (x.address = v))} />
        <${TextFields} path=${`${at}.hours`} label=${t('knowledge.offices.hours')} multiline=${true} values=${o.hours} onInput=${(v) => set((x) => (x.hours = v))} />
        <${Field} path=${`${at}.phone`} type="tel" label=${t('knowledge.offices.phone')} value=${o.phone} onInput=${(v) => set((x) => (x.phone = v))} />
        <${Field} path=${`${at}.email`} type="email" label=${t('knowledge.offices.email')} value=${o.email} onInput=${(v) => set((x) => (x.email = v))} />
        <${Checks} path=${`${at}.modes`} legend=${t('knowledge.offices.modes')} options=${options(MODES, 'knowledge.mode')} checked=${o.modes} onChange=${(v) => set((x) => (x.modes = v))} />
        ${procedures.length > 0 &&
        html`<${Checks} path=${`${at}.procedures`} legend=${t('knowledge.offices.procedures')} options=${procedures} checked=${doneHere}
          onChange=${(ids) => change((s) => s.procedures.forEach((p) => (p.offices = ids.includes(p.id) ? [...new Set([...p.offices, o.id])] : p.offices.filter((x) => x !== o.id))))} />`}
        <${TextFields} path=${`${at}.service`} label=${t('knowledge.offices.service')} hint=${t('knowledge.offices.serviceHint')} values=${o.service} onInput=${(v) => set((x) => (x.service = v))} />
        <${Remove} label=${t('knowledge.offices.remove')} name=${inLang(o.name) || o.id} onRemove=${() => remove(o.id)} />
      <//>`;
    })}
    <${AddEntry} idPrefix="k-new-office" label=${t('knowledge.offices.newName')} onAdd=${add} />
  </section>`;
}

export function ServicesEditor({ section, change, published }) {
  const org = section.organisation.id;
  const add = (name, kind) =>
    change((s) => s.services.push({ id: newId(org, kind, [...published.services, ...s.services.map((x) => x.id)]), organisation: org, kind, status: 'available', name: { [s.organisation.language ?? 'es']: name }, note: {} }));
  return html`<section class="k-part" aria-labelledby="k-services">
    <h2 id="k-services">${t('knowledge.services.title')}</h2>
    <p class="hint">${t('knowledge.services.intro')}</p>
    ${section.services.map((x, i) => {
      const at = `services.${i}`;
      const set = (fn) => change((s) => fn(s.services[i]));
      const name = inLang(x.name) || x.id;
      const title = `${name.charAt(0).toUpperCase()}${name.slice(1)} · ${t(`knowledge.serviceState.${x.status}`)}`;
      return html`<${Entry} key=${x.id} path=${at} fresh=${!published.services.includes(x.id)} title=${title}>
        <p class="muted">${t(`knowledge.serviceKind.${x.kind}`)}</p>
        <${Select} path=${`${at}.status`} label=${t('knowledge.services.status')} value=${x.status} options=${options(SERVICE_STATES, 'knowledge.serviceState')} onChange=${(v) => set((y) => (y.status = v))} />
        <${TextFields} path=${`${at}.name`} label=${t('knowledge.services.name')} hint=${t('knowledge.services.nameHint')} required=${true} values=${x.name} onInput=${(v) => set((y) => (y.name = v))} />
        <${TextFields} path=${`${at}.note`} label=${t('knowledge.services.note')} hint=${t('knowledge.services.noteHint')} values=${x.note} onInput=${(v) => set((y) => (y.note = v))} />
        <${Remove} label=${t('knowledge.services.remove')} name=${inLang(x.name) || x.id} onRemove=${() => change((s) => s.services.splice(i, 1))} />
      <//>`;
    })}
    <${AddEntry} idPrefix="k-new-service" label=${t('knowledge.services.newName')} kinds=${options(SERVICE_KINDS, 'knowledge.serviceKind')} onAdd=${add} />
  </section>`;
}

/** A procedure by one channel: done that way, not done that way, or not known (the bot then says it does not know). */
function ChannelChoice({ at, p, channel, set }) {
  const state = p.channels.includes(channel) ? 'yes' : p.notAvailable.includes(channel) ? 'no' : 'unknown';
  const pick = (v) =>
    set((x) => {
      x.channels = x.channels.filter((c) => c !== channel);
      x.notAvailable = x.notAvailable.filter((c) => c !== channel);
      if (v === 'yes') x.channels.push(channel);
      if (v === 'no') x.notAvailable.push(channel);
    });
  const choices = CAN_BE_AVAILABLE.has(channel) ? ['yes', 'no', 'unknown'] : ['no', 'unknown'];
  return html`<fieldset class="channel" data-channel=${channel}>
    <legend>${t(`knowledge.channel.${channel}`)}</legend>
    ${choices.map(
      (v) => html`<label class="choice"
        ><input type="radio" name=${`${at}-${channel}`} value=${v} checked=${state === v} onChange=${() => pick(v)} /> ${t(`knowledge.channelState.${v}`)}</label
      >`,
    )}
  </fieldset>`;
}

export function ProceduresEditor({ section, change, published }) {
  const org = section.organisation.id;
  const offices = section.offices.map((o) => [o.id, inLang(o.name)]);
  const kinds = [...CERTIFICATES.map((c) => [`certificate:${c}`, t(`certificates.${c}`)]), ...PROCEDURE_KINDS.filter((k) => k !== 'certificate').map((k) => [k, t(`knowledge.kind.${k}`)])];
  const add = (name, choice) =>
    change((s) => {
      const [kind, certificate] = choice.split(':');
      const id = newId(org, certificate ?? kind, [...published.procedures, ...s.procedures.map((p) => p.id)]);
      s.procedures.push({ id, organisation: org, kind, ...(certificate ? { certificate } : {}), name: { [s.organisation.language ?? 'es']: name }, channels: [], notAvailable: [], booking: {}, services: [], offices: [], steps: {}, requirements: {}, links: [], notes: {} });
    });
  return html`<section class="k-part" aria-labelledby="k-procedures">
    <h2 id="k-procedures">${t('knowledge.procedures.title')}</h2>
    <p class="hint">${t('knowledge.procedures.intro')}</p>
    ${section.procedures.map((p, i) => {
      const at = `procedures.${i}`;
      const set = (fn) => change((s) => fn(s.procedures[i]));
      return html`<${Entry} key=${p.id} path=${at} fresh=${!published.procedures.includes(p.id)} title=${procedureName(p)}>
        <${TextFields} path=${`${at}.name`} label=${t('knowledge.procedures.name')} hint=${t('knowledge.procedures.nameHint')} values=${p.name} onInput=${(v) => set((x) => (x.name = v))} />
        <div class="channels">
          <p class="hint">${t('knowledge.procedures.channelsHint')}</p>
          ${CHANNELS.map((c) => html`<${ChannelChoice} at=${at} p=${p} channel=${c} set=${set} />`)}
        </div>
        ${offices.length > 0 && html`<${Checks} path=${`${at}.offices`} legend=${t('knowledge.procedures.offices')} options=${offices} checked=${p.offices} onChange=${(v) => set((x) => (x.offices = v))} />`}
        <${TextFields} path=${`${at}.steps`} label=${t('knowledge.procedures.steps')} hint=${t('knowledge.procedures.linesHint')} lines=${true} values=${p.steps} onInput=${(v) => set((x) => (x.steps = v))} />
        <${TextFields} path=${`${at}.requirements`} label=${t('knowledge.procedures.requirements')} hint=${t('knowledge.procedures.linesHint')} lines=${true} values=${p.requirements} onInput=${(v) => set((x) => (x.requirements = v))} />
        <${TextFields} path=${`${at}.booking`} label=${t('knowledge.procedures.booking')} multiline=${true} values=${p.booking} onInput=${(v) => set((x) => (x.booking = v))} />
        <${TextFields} path=${`${at}.notes`} label=${t('knowledge.procedures.notes')} multiline=${true} values=${p.notes} onInput=${(v) => set((x) => (x.notes = v))} />
        <${Remove} label=${t('knowledge.procedures.remove')} name=${procedureName(p)} onRemove=${() => change((s) => s.procedures.splice(i, 1))} />
      <//>`;
    })}
    <${AddEntry} idPrefix="k-new-procedure" label=${t('knowledge.procedures.newName')} kinds=${kinds} onAdd=${add} />
  </section>`;
}
