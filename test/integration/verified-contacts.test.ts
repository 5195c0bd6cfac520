import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import type { Lang } from '../../src/knowledge/schema.js';
import { say, startApp } from '../support/helpers.js';
import { addStaff, bearer, logIn, withSession, type StaffLogin } from '../support/staff.js';

const TOKEN = 'verified-contacts-token-0123456789';
let bot: ChatCore;
let app: FastifyInstance;
let editor: StaffLogin; // Elche
let viewer: StaffLogin; // Elche
beforeAll(async () => {
  ({ bot, app } = await startApp({ ADMIN_TOKEN: TOKEN }));
  await addStaff(app, TOKEN, { username: 'elena', role: 'editor', orgs: ['elche'] });
  await addStaff(app, TOKEN, { username: 'vito', role: 'viewer', orgs: ['elche'] });
  [editor, viewer] = [await logIn(app, 'elena'), await logIn(app, 'vito')];
});
afterAll(async () => {
  await app?.close();
  await bot?.close();
});

const LANGS: Lang[] = ['es', 'ca', 'it', 'sv', 'en'];
const t = (lang: Lang, key: string, values: Record<string, string> = {}) => bot.texts.t(lang)(key, values);
let n = 0;
const ask = (text: string) => say(app, `verify-${++n}`, text);

/** How a citizen asks, per language, about a number they were called from and an address that wrote to them. */
const called: Record<Lang, (c: string) => string> = {
  es: (c) => `Me han llamado del ${c} diciendo que son de la ATS, ¿es de verdad?`,
  ca: (c) => `M'han telefonat del ${c} dient que són de l'ATS, és de veritat?`,
  it: (c) => `Mi hanno chiamato dal ${c} dicendo di essere dell'ATS, è vero?`,
  sv: (c) => `Någon ringde från ${c} och sa att de var från ATS, stämmer det?`,
  en: (c) => `I got a call from ${c} saying they were from ATS, is it genuine?`,
};
const mailed: Record<Lang, (c: string) => string> = {
  es: (c) => `Me ha llegado un correo de ${c}, ¿es oficial?`,
  ca: (c) => `M'ha arribat un correu de ${c}, és oficial?`,
  it: (c) => `Mi è arrivata una mail da ${c}, è ufficiale?`,
  sv: (c) => `Jag fick ett mejl från ${c}, är det officiellt?`,
  en: (c) => `I got an email from ${c}, is it official?`,
};
const linked: Record<Lang, (c: string) => string> = {
  es: (c) => `He recibido un SMS con un enlace a ${c}, ¿es fiable?`,
  ca: (c) => `He rebut un SMS amb un enllaç a ${c}, em puc refiar?`,
  it: (c) => `Ho ricevuto un SMS con un link a ${c}, è affidabile?`,
  sv: (c) => `Fick ett sms med en länk till ${c}, kan jag lita på den?`,
  en: (c) => `I got a text with a link to ${c}, can I trust it?`,
};

const PHONES: [string, string[]][] = [
  ['031/370.111', ['031 370 111', '+39 031 370111', '0039 031370111']],
  ['0332/277.111', ['0332/277.111', '+39 0332 277 111', '0039 0332 277111']],
];
const EMAILS = ['urp@ats-insubria.it', 'protocollo@pec.ats-insubria.it'];
const UNKNOWN_PHONES = ['031 370 112', '+39 0332 277110', '+34 600 000 001', '965 000 000'];
const UNKNOWN_EMAILS = ['urp@ats-insubria.com', 'urp@ats-insubria.it.example.com', 'protocollo@pec-ats-insubria.it'];
const UNKNOWN_LINKS = ['https://ats-insubria.it.example.com/login', 'elche-pagos.com', 'www.ats-insubria.com'];

const official = (lang: Lang) => t(lang, 'verify.official', { org_of: ofAts(lang) });
const ofAts = (lang: Lang) => {
  const org = bot.knowledge.organisation('ats-insubria')!;
  return org.of[lang] || org.the[lang] || org.name[lang]!;
};

describe('a citizen asks whether a contact is real, in all five languages', () => {
  it.each(LANGS)('%s: each official number, national and international, is confirmed as the ATS switchboard it is', async (lang) => {
    for (const [value, forms] of PHONES) {
      for (const form of forms) {
        const { reply, nlu } = await ask(called[lang](form));
        expect(nlu.intent, form).toBe('verify_contact');
        expect(reply.text.startsWith(official(lang)), `${lang} ${form}: ${reply.text}`).toBe(true);
        expect(reply.text).toContain(value);
        expect(reply.text).toContain(t(lang, 'verify.spoof_phone'));
      }
    }
  });

  it.each(LANGS)('%s: each official address is confirmed', async (lang) => {
    for (const email of EMAILS) {
      const { reply, nlu } = await ask(mailed[lang](email));
      expect(nlu.intent).toBe('verify_contact');
      expect(reply.text.startsWith(official(lang)), reply.text).toBe(true);
      expect(reply.text).toContain(email);
      expect(reply.text).not.toContain(t(lang, 'verify.never'));
    }
  });

  it.each(LANGS)('%s: ten unknown numbers, addresses and links (look-alikes included) are never confirmed, and the official ones follow', async (lang) => {
    const asked = [...UNKNOWN_PHONES.map(called[lang]), ...UNKNOWN_EMAILS.map(mailed[lang]), ...UNKNOWN_LINKS.map(linked[lang])];
    expect(asked).toHaveLength(10);
    for (const text of asked) {
      const { reply, nlu } = await ask(text);
      expect(nlu.intent, text).toBe('verify_contact');
      expect(reply.text, text).not.toContain(official(lang));
      expect(reply.text, text).not.toContain(t(lang, 'answer.yes'));
      expect(reply.text, text).toContain(t(lang, 'verify.never'));
      // The official ones: of the organisation it pretends to be (Elche has no number or address: where to look them up), else all the bot knows.
      const elche = bot.knowledge.organisation('elche')!;
      if (text.includes('elche')) expect(reply.text, text).toContain(t(lang, 'verify.check_site', { site: elche.officialSite[lang]! }));
      else expect(reply.text, text).toContain('031/370.111');
    }
  });

  it.each(LANGS)('%s: "is that really the PEC?" without an address asks for it and gives the official ones', async (lang) => {
    const question: Record<Lang, string> = {
      es: '¿Es de verdad la PEC de ATS?',
      ca: "És de veritat la PEC de l'ATS?",
      it: "è davvero la PEC dell'ATS?",
      sv: 'är det verkligen ATS PEC-adress?',
      en: 'is that really the ATS PEC address?',
    };
    const { reply, nlu } = await ask(question[lang]);
    expect(nlu.intent).toBe('verify_contact');
    expect(reply.text.startsWith(t(lang, 'verify.ask'))).toBe(true);
    expect(reply.text).toContain('protocollo@pec.ats-insubria.it');
  });

  it('a number written alone is checked; a number beside another request leaves that request alone', async () => {
    expect((await ask('0039 0332 277111')).nlu.intent).toBe('verify_contact');
    const subscribe = await ask('mi número es 612 345 678, avísenme cuando abra El Altet');
    expect(subscribe.nlu.intent).toBe('subscribe_updates');
    const hours = await ask('I tried 031 370 111 this morning, what time does the Como office open?');
    expect(hours.nlu.intent).not.toBe('verify_contact');
    expect((await ask('¿Cuál es el teléfono de ATS Insubria?')).nlu.intent).toBe('contact_phone');
  });
});

describe('the scam list (/api/admin/organisations/:org/scams)', () => {
  const url = (org: string) => `/api/admin/organisations/${org}/scams`;
  const call = (method: string, path: string, headers: Record<string, string>, payload?: object) => app.inject({ method: method as 'GET', url: path, headers, ...(payload ? { payload } : {}) });

  it('an editor lists a scam number of their organisation; the bot then warns of it by name in every language; removing it ends the warning', async () => {
    const added = await call('POST', url('elche'), withSession(editor), { kind: 'phone', value: '600 000 000' });
    expect(added.statusCode, added.body).toBe(201);
    const { scam } = added.json();
    expect(scam).toMatchObject({ org: 'elche', kind: 'phone', value: '+34600000000', written: '600 000 000', by: 'elena' });
    const texts: Record<Lang, string> = {
      es: 'me han llamado del 600 00 00 00 diciendo que son del Ayuntamiento de Elche',
      ca: "m'han telefonat del +34 600 000 000 dient que són de l'Ajuntament d'Elx",
      it: 'mi hanno chiamato dal 0034 600 000 000 dicendo di essere del Comune di Elche',
      sv: 'någon ringde från +34 600 000 000 och sa att de var från Elche kommun',
      en: 'I got a call from 600 000 000 saying they were from Elche City Council',
    };
    for (const lang of LANGS) {
      const { reply, nlu } = await ask(texts[lang]);
      expect(nlu.intent).toBe('verify_contact');
      const org = bot.knowledge.organisation('elche')!;
      const value = texts[lang].match(/[+0-9][0-9 ]+[0-9]/)![0];
      expect(reply.text.startsWith(t(lang, 'verify.scam', { value, org: org.the[lang] ?? org.name[lang]! })), reply.text).toBe(true);
      expect(reply.text).toContain(t(lang, 'verify.never'));
    }
    const list = await call('GET', url('elche'), withSession(viewer));
    expect(list.statusCode).toBe(200);
    expect(list.json().scams).toEqual([scam]);
    expect(list.json().log[0]).toMatchObject({ action: 'add', actor: 'elena', org: 'elche', kind: 'phone', value: '+34600000000' });

    const removed = await call('DELETE', `${url('elche')}/${scam.id}`, withSession(editor));
    expect(removed.statusCode).toBe(200);
    const after = (await ask(texts.es)).reply.text;
    expect(after.startsWith(t('es', 'verify.unknown', { value: '600 00 00 00', org_of: 'del Ayuntamiento de Elche' })), after).toBe(true);
    const log = (await call('GET', url('elche'), bearer(TOKEN))).json().log;
    expect(log.map((e: { action: string; actor: string }) => `${e.action}:${e.actor}`)).toEqual(['remove:elena', 'add:elena']);
    expect((await call('DELETE', `${url('elche')}/${scam.id}`, withSession(editor))).statusCode).toBe(404);
  });

  it('lists addresses and domains in their canonical form, and warns of a listed domain\'s links and addresses', async () => {
    const domain = await call('POST', url('ats-insubria'), bearer(TOKEN), { kind: 'domain', value: 'https://ATS-Insubria.com/login' });
    expect(domain.statusCode, domain.body).toBe(201);
    expect(domain.json().scam).toMatchObject({ value: 'ats-insubria.com', by: 'api-token' });
    const email = await call('POST', url('ats-insubria'), bearer(TOKEN), { kind: 'email', value: 'Pagamenti@ATS-insubria.net' });
    expect(email.json().scam).toMatchObject({ value: 'pagamenti@ats-insubria.net' });
    const warned = (await ask('Mi è arrivata una mail da urp@ats-insubria.com, è ufficiale?')).reply.text;
    expect(warned.startsWith(t('it', 'verify.scam', { value: 'urp@ats-insubria.com', org: "l'ATS Insubria" })), warned).toBe(true);
    expect((await call('POST', url('ats-insubria'), bearer(TOKEN), { kind: 'domain', value: 'ats-insubria.com' })).statusCode).toBe(409);
  });

  it('refuses bad input with 400 naming the problem, an official contact with 409, and keeps nothing', async () => {
    const before = (await bot.stores.scams.list()).length;
    const bad: [object, RegExp][] = [
      [{ kind: 'phone', value: '12345' }, /not a valid phone number/],
      [{ kind: 'email', value: 'not an address' }, /not an email address/],
      [{ kind: 'domain', value: 'p.ej' }, /not a domain/],
      [{ kind: 'fax', value: '600 000 000' }, /kind/],
      [{ kind: 'phone' }, /value/],
      [{ kind: 'phone', value: '600 000 000', extra: 1 }, /extra|Unrecognized|unrecognized/],
    ];
    for (const [payload, message] of bad) {
      const res = await call('POST', url('elche'), withSession(editor), payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().message).toMatch(message);
    }
    for (const value of ['031 370 111', '+39 0332 277111']) {
      const res = await call('POST', url('ats-insubria'), bearer(TOKEN), { kind: 'phone', value });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ reason: 'official' });
    }
    expect((await call('POST', url('ats-insubria'), bearer(TOKEN), { kind: 'email', value: 'urp@ats-insubria.it' })).statusCode).toBe(409);
    expect((await call('POST', url('ats-insubria'), bearer(TOKEN), { kind: 'domain', value: 'pec.ats-insubria.it' })).statusCode).toBe(409);
    expect((await call('POST', url('nowhere'), bearer(TOKEN), { kind: 'domain', value: 'x-y.com' })).statusCode).toBe(404);
    expect((await bot.stores.scams.list()).length).toBe(before);
  });

  it('roles, organisation scope and CSRF: a viewer reads only, an editor acts on their organisations only, a change needs its token', async () => {
    const before = (await bot.stores.scams.list()).length;
    expect((await call('POST', url('elche'), withSession(viewer), { kind: 'phone', value: '600 000 002' })).statusCode).toBe(403);
    expect((await call('POST', url('ats-insubria'), withSession(editor), { kind: 'phone', value: '+39 02 1234 5678' })).statusCode).toBe(403);
    expect((await call('GET', url('ats-insubria'), withSession(editor))).statusCode).toBe(403);
    for (const csrf of [null, 'wrong-token', viewer.csrf]) {
      expect((await call('POST', url('elche'), withSession(editor, csrf), { kind: 'phone', value: '600 000 003' })).statusCode).toBe(403);
    }
    expect((await call('GET', url('elche'), {})).statusCode).toBe(401);
    const listed = (await bot.stores.scams.list()).filter((s) => s.org === 'ats-insubria');
    if (listed[0]) expect((await call('DELETE', `${url('ats-insubria')}/${listed[0].id}`, withSession(editor))).statusCode).toBe(403);
    expect((await bot.stores.scams.list()).length).toBe(before);
  });
});
