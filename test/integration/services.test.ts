import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { localized } from '../../src/knowledge/knowledge.js';
import type { Lang } from '../../src/knowledge/schema.js';
import { say, sessionOf, startApp } from '../support/helpers.js';
import { addStaff, bearer, logIn, withSession, type StaffLogin } from '../support/staff.js';

const TOKEN = 'services-admin-token-0123456789';
let bot: ChatCore;
let app: FastifyInstance;
let paiportaEditor: StaffLogin;
let atsEditor: StaffLogin;
let atsViewer: StaffLogin;

beforeAll(async () => {
  ({ bot, app } = await startApp({ ADMIN_TOKEN: TOKEN }));
  await addStaff(app, TOKEN, { username: 'pau', role: 'editor', orgs: ['paiporta'] });
  await addStaff(app, TOKEN, { username: 'ada', role: 'editor', orgs: ['ats-insubria'] });
  await addStaff(app, TOKEN, { username: 'vito', role: 'viewer', orgs: ['ats-insubria'] });
  [paiportaEditor, atsEditor, atsViewer] = [await logIn(app, 'pau'), await logIn(app, 'ada'), await logIn(app, 'vito')];
});
afterAll(async () => {
  await app?.close();
  await bot?.close();
});

const patch = (id: string, headers: Record<string, string>, payload: unknown) => app.inject({ method: 'PATCH', url: `/api/admin/services/${id}`, headers, payload: payload as object });
/** "5 de mayo" as the answers write a day, in the organisation's time zone. */
const dayOf = (iso: string, lang: Lang, timeZone = 'UTC') => new Intl.DateTimeFormat(bot.texts.t(lang)('intl'), { day: 'numeric', month: 'long', timeZone }).format(new Date(iso));
const nameOf = (id: string, lang: Lang) => localized(bot.knowledge.serviceById(id)!.name, lang);

const WEBSITE_BACK: Record<Lang, string> = {
  es: '¿Ha vuelto a funcionar la web de ATS Insubria?',
  ca: "Torna a funcionar el lloc web de l'ATS Insubria?",
  it: "Il sito dell'ATS Insubria funziona di nuovo?",
  sv: 'Fungerar ATS Insubrias webbplats igen?',
  en: 'Is the ATS Insubria website back?',
};
const PADRON_ONLINE: Record<Lang, string> = {
  es: '¿Cómo pido el certificado de empadronamiento en Paiporta?',
  ca: "Com demane el certificat d'empadronament a Paiporta?",
  it: 'Come richiedo il certificato di residenza a Paiporta?',
  sv: 'Hur beställer jag ett folkbokföringsintyg i Paiporta?',
  en: 'How do I get a padrón certificate in Paiporta?',
};
const LANGS = Object.keys(WEBSITE_BACK) as Lang[];

describe('services on the status board', () => {
  it('shows the services of my organisations only, with their state', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/admin/services', headers: withSession(atsViewer) });
    expect(res.statusCode).toBe(200);
    const services = res.json().services as { id: string; organisation: string; status: string; subscribers: number }[];
    expect(services.map((s) => s.id).sort()).toEqual(bot.knowledge.services('ats-insubria').map((s) => s.id).sort());
    expect(services.find((s) => s.id === 'ats-insubria-website')).toMatchObject({ status: 'unavailable', subscribers: 0 });
    const all = await app.inject({ method: 'GET', url: '/api/admin/services', headers: bearer(TOKEN) });
    expect(all.json().services.map((s: { organisation: string }) => s.organisation)).toEqual(expect.arrayContaining(['paiporta', 'ats-insubria']));
  });

  it('refuses bad changes with a 4xx naming the problem, and changes nothing', async () => {
    const before = { service: bot.knowledge.serviceById('ats-insubria-website'), audit: (await bot.services.auditLog()).length };
    const refused: [string, Record<string, string>, unknown, number, RegExp][] = [
      ['ats-insubria-website', bearer(TOKEN), { status: 'broken' }, 400, /status/],
      ['ats-insubria-website', bearer(TOKEN), { status: 'unknown' }, 400, /status/],
      ['ats-insubria-website', bearer(TOKEN), {}, 400, /at least one field/],
      ['ats-insubria-website', bearer(TOKEN), { expected: '2022-02-30' }, 400, /expected/],
      ['ats-insubria-website', bearer(TOKEN), { expected: 'next week' }, 400, /expected/],
      ['ats-insubria-website', bearer(TOKEN), { note: { fr: 'Bientôt' } }, 400, /no language fr/],
      ['ats-insubria-website', bearer(TOKEN), { status: 'available', colour: 'green' }, 400, /colour/],
      ['no-such-service', bearer(TOKEN), { status: 'available' }, 404, /No service "no-such-service"/],
      // Another organisation's service; a viewer; a session without its CSRF token, or another's.
      ['ats-insubria-website', withSession(paiportaEditor), { status: 'available' }, 403, /not a service of your organisations/],
      ['ats-insubria-website', withSession(atsViewer), { status: 'available' }, 403, /viewer role/],
      ['ats-insubria-website', withSession(atsEditor, null), { status: 'available' }, 403, /./],
      ['ats-insubria-website', withSession(atsEditor, paiportaEditor.csrf), { status: 'available' }, 403, /./],
      ['ats-insubria-website', {}, { status: 'available' }, 401, /Bearer/],
    ];
    for (const [id, headers, body, code, message] of refused) {
      const res = await patch(id, headers, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(code);
      expect(res.json().message).toMatch(message);
    }
    expect({ service: bot.knowledge.serviceById('ats-insubria-website'), audit: (await bot.services.auditLog()).length }).toEqual(before);
  });

  it('a change is answered at once in all five languages, audited, and shown on the board with who made it', async () => {
    const before: Record<string, string> = {};
    for (const lang of LANGS) before[lang] = (await say(app, `before-${lang}`, WEBSITE_BACK[lang], lang)).reply.text;
    const res = await patch('ats-insubria-website', withSession(atsEditor), { status: 'unavailable', expected: '2022-05-20', note: { it: 'Stiamo lavorando per ripristinarlo.', en: 'We are working to restore it.' } });
    expect(res.statusCode).toBe(200);
    const service = res.json().service;
    expect(service).toMatchObject({ id: 'ats-insubria-website', status: 'unavailable', expected: '2022-05-20', note: { it: 'Stiamo lavorando per ripristinarlo.', en: 'We are working to restore it.' } });
    for (const lang of LANGS) {
      const t = bot.texts.t(lang);
      const text = (await say(app, `after-${lang}`, WEBSITE_BACK[lang], lang)).reply.text;
      expect(text, lang).not.toBe(before[lang]);
      // No, still down since the day of the change; when it is expected back; the note (marked when in another language); what still works.
      expect(text, lang).toContain(t('service.live_unavailable_yes_no', { name: nameOf('ats-insubria-website', lang), date: dayOf(service.updatedAt, lang, 'Europe/Rome') }));
      expect(text, lang).toContain(t('service.expected', { date: dayOf('2022-05-20T12:00:00Z', lang) }));
      const note = lang === 'it' || lang === 'en' ? service.note[lang] : t('service.note_in', { language: t('note_language.it'), note: service.note.it });
      expect(text, lang).toContain(note);
      expect(text, lang).toContain(nameOf('ats-insubria-notice-board', lang));
    }
    const [entry] = (await bot.services.auditLog()).slice(-1);
    expect(entry).toMatchObject({ service: 'ats-insubria-website', actor: 'ada', before: { status: 'unavailable' }, after: { status: 'unavailable', expected: '2022-05-20' } });
    // The knowledge base's words ("is temporarily offline") gave way to staff's note.
    expect(entry.before.note?.en).toBe('is temporarily offline');
    const board = (await app.inject({ method: 'GET', url: '/api/admin/services', headers: withSession(atsEditor) })).json().services;
    expect(board.find((s: { id: string }) => s.id === 'ats-insubria-website')).toMatchObject({ updatedBy: 'ada', updatedAt: service.updatedAt });
    // The audit log shows it to ATS Insubria's staff, not to Paiporta's.
    const audit = async (s: StaffLogin) => (await app.inject({ method: 'GET', url: '/api/admin/audit', headers: withSession(s) })).json().entries;
    expect((await audit(atsEditor)).at(-1)).toMatchObject({ service: 'ats-insubria-website', actor: 'ada' });
    expect((await audit(paiportaEditor)).some((e: { service?: string }) => e.service)).toBe(false);

    // Back: yes, in every language; a new status without a note clears the note.
    const back = (await patch('ats-insubria-website', bearer(TOKEN), { status: 'available' })).json().service;
    expect(back.note).toEqual({});
    for (const lang of LANGS) {
      const text = (await say(app, `back-${lang}`, WEBSITE_BACK[lang], lang)).reply.text;
      expect(text, lang).toContain(bot.texts.t(lang)('service.live_available_yes_no', { name: nameOf('ats-insubria-website', lang), date: dayOf(back.updatedAt, lang, 'Europe/Rome') }));
      expect(text, lang).not.toContain(service.note.it);
    }
  });

  it('a procedure whose channel is down is answered with the ways that work now', async () => {
    expect((await patch('paiporta-e-office', withSession(paiportaEditor), { status: 'unavailable' })).statusCode).toBe(200);
    for (const lang of LANGS) {
      const t = bot.texts.t(lang);
      const text = (await say(app, `padron-${lang}`, PADRON_ONLINE[lang], lang)).reply.text;
      const what = t('certificate.the.padron');
      expect(text, lang).toContain(t('how.online_down', { What: what.charAt(0).toUpperCase() + what.slice(1), online: nameOf('paiporta-e-office', lang) }));
      // Phone help works: it is offered.
      expect(text, lang).toContain(t('how.phone_help_no_number', { org: localized(bot.knowledge.organisation('paiporta')!.the, lang) }));
    }
    // And when phone help is down too, it is not offered.
    await patch('paiporta-phone-help', bearer(TOKEN), { status: 'unavailable' });
    const text = (await say(app, 'padron-es-2', PADRON_ONLINE.es, 'es')).reply.text;
    expect(text).not.toContain(bot.texts.t('es')('how.phone_help_no_number', { org: 'el Ayuntamiento de Paiporta' }));
    await patch('paiporta-e-office', bearer(TOKEN), { status: 'available' });
    await patch('paiporta-phone-help', bearer(TOKEN), { status: 'available' });
    const online = (await say(app, 'padron-es-3', PADRON_ONLINE.es, 'es')).reply.text;
    expect(online).toContain('se pide en línea, en la sede electrónica del Ayuntamiento de Paiporta');
  });

  it('a citizen subscribes to a service like an office: one notice per change at the next poll, in their language', async () => {
    const subscribe: [string, Lang, string][] = [
      ['sub-es', 'es', 'Avísame cuando vuelva la web de ATS Insubria'],
      ['sub-it', 'it', "Mi avvisi quando torna il sito dell'ATS Insubria"],
      ['sub-en', 'en', 'Let me know when the ATS Insubria website is back'],
    ];
    for (const [id, lang, text] of subscribe) {
      const reply = (await say(app, id, text, lang)).reply.text;
      expect(reply, lang).toContain(bot.texts.t(lang)('subscribe.service_done'));
    }
    expect(await bot.subscriptions.count('ats-insubria-website')).toBe(3);
    const changed = (await patch('ats-insubria-website', bearer(TOKEN), { status: 'limited', note: { es: 'Solo las páginas informativas.' } })).json().service;
    await bot.notifier.drain();
    for (const [id, lang] of subscribe) {
      const t = bot.texts.t(lang);
      const poll = await app.inject({ method: 'GET', url: `/api/chat/${sessionOf(id)}/notifications` });
      const notices = poll.json().notifications as string[];
      expect(notices, lang).toHaveLength(1);
      expect(notices[0], lang).toContain(t('notify.changed', { office: nameOf('ats-insubria-website', lang) }));
      const name = nameOf('ats-insubria-website', lang);
      expect(notices[0], lang).toContain(t('service.live_limited', { name, Name: name.charAt(0).toUpperCase() + name.slice(1), date: dayOf(changed.updatedAt, lang, 'Europe/Rome') }));
      expect(notices[0], lang).toContain(lang === 'es' ? 'Solo las páginas informativas.' : t('service.note_in', { language: t('note_language.es'), note: 'Solo las páginas informativas.' }));
    }
    // "Stop the notices" names the service.
    const stop = (await say(app, 'sub-es', 'Ya no quiero más avisos', 'es')).reply.text;
    expect(stop).toContain(bot.texts.t('es')('unsubscribe.services', { services: nameOf('ats-insubria-website', 'es') }));
    expect(await bot.subscriptions.count('ats-insubria-website')).toBe(2);
  });

  it("a note changed in one language leaves the others stale: answered with the changed one, marked, and flagged on the board until updated", async () => {
    const board = async () => (await app.inject({ method: 'GET', url: '/api/admin/services', headers: withSession(atsViewer) })).json().services.find((s: { id: string }) => s.id === 'ats-insubria-website');
    const t = bot.texts.t('it');
    const ES = 'Solo funcionan las páginas informativas.';
    const IT = 'Funzionano solo le pagine informative.';
    expect((await patch('ats-insubria-website', bearer(TOKEN), { status: 'limited', note: { es: ES, it: IT } })).statusCode).toBe(200);
    expect((await board()).noteStale).toEqual([]);
    expect((await say(app, 'stale-it-1', WEBSITE_BACK.it, 'it')).reply.text).toContain(IT);
    // Spanish changed, Italian left as it was: the Italian note may no longer be true.
    const ES2 = 'Ya funciona también el área de trámites en línea.';
    await new Promise((r) => setTimeout(r, 5));
    expect((await patch('ats-insubria-website', withSession(atsEditor), { note: { es: ES2, it: IT } })).statusCode).toBe(200);
    const stale = await board();
    expect(stale.noteStale).toEqual(['it']);
    expect(Date.parse(stale.noteWritten.es)).toBeGreaterThan(Date.parse(stale.noteWritten.it));
    const italian = (await say(app, 'stale-it-2', WEBSITE_BACK.it, 'it')).reply.text;
    expect(italian).toContain(t('service.note_in', { language: t('note_language.es'), note: ES2 }));
    expect(italian).not.toContain(IT);
    expect((await say(app, 'stale-es-2', WEBSITE_BACK.es, 'es')).reply.text).toContain(ES2);
    // The Italian brought up to date: current again.
    const IT2 = "Ora funziona anche l'area dei servizi online.";
    expect((await patch('ats-insubria-website', withSession(atsEditor), { note: { es: ES2, it: IT2 } })).statusCode).toBe(200);
    expect((await board()).noteStale).toEqual([]);
    expect((await say(app, 'stale-it-3', WEBSITE_BACK.it, 'it')).reply.text).toContain(IT2);
  });
});
