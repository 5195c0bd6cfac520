import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intlLocale } from '../../src/shared/languages.js';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { localized } from '../../src/knowledge/knowledge.js';
import type { Lang } from '../../src/knowledge/schema.js';
import { postChat, startApp, webId, type ChatResponse } from '../support/helpers.js';
import { officeNames, statusText, webSubscribed } from '../support/texts.js';

let core: ChatCore;
let app: FastifyInstance;
beforeAll(async () => {
  ({ bot: core, app } = await startApp());
});
afterAll(() => app.close());

/** Every reply of these conversations, for the checks that hold for all of them. */
const replies: { lang: string; text: string }[] = [];
let n = 0;
const session = (tag: string) => `answers-${tag}-${++n}`;
async function ask(sessionId: string, text: string, extra: { org?: string } = {}): Promise<ChatResponse> {
  const res = await postChat(app, { sessionId, text, ...extra });
  if (res.statusCode !== 200) throw new Error(`POST /api/chat ${res.statusCode}: ${res.body}`);
  const body: ChatResponse = res.json();
  replies.push({ lang: body.lang, text: body.reply.text });
  return body;
}
const t = (lang: Lang, key: string, values: Record<string, string> = {}) => core.texts.t(lang)(key, values);
const firstSentence = (text: string) => text.split(/(?<=[.?!])\s/)[0];
const kbText = (value: Parameters<typeof localized>[0], lang: Lang) => localized(value, lang);
const shortName = (id: string, lang: Lang) => core.knowledge.office(id)!.short[lang]!;
const OPEN_OMAC = ['elche-centro', 'elche-altabix', 'elche-francesc-canto', 'elche-plaza-crevillent', 'elche-torrellano'];

const LANGS: Lang[] = ['es', 'ca', 'it', 'sv', 'en'];
const altet: Record<Lang, string> = {
  es: '¿Está abierta la OMAC de El Altet?',
  ca: "Està oberta l'OMAC de l'Altet?",
  it: "L'OMAC di El Altet è aperta?",
  sv: 'Har OMAC-kontoret i El Altet öppnat?',
  en: 'Is the OMAC office in El Altet open?',
};
const notifyMe: Record<Lang, string> = {
  es: 'avíseme cuando abra',
  ca: "avise'm quan òbriga",
  it: 'mi avvisi quando riapre',
  sv: 'meddela mig när det öppnar',
  en: 'let me know when it opens',
};
const andTorrellano: Record<Lang, string> = {
  es: '¿y Torrellano?',
  ca: 'i la de Torrellano?',
  it: 'e Torrellano?',
  sv: 'och Torrellano?',
  en: 'what about Torrellano?',
};

describe('office status', () => {
  it.each(LANGS)('%s: a closed office is closed (no, first, to "is it open?"), with when it is expected back, and the open offices of its organisation', async (lang) => {
    const body = await ask(session('closed'), altet[lang]);
    expect(body.lang).toBe(lang);
    const office = core.knowledge.office('elche-el-altet')!;
    const text = body.reply.text;
    expect(firstSentence(text)).toBe(t(lang, 'status.no_closed', officeNames(core, 'elche-el-altet', lang)));
    expect(text).toContain(kbText(office.expectedReopening, lang));
    for (const id of OPEN_OMAC) expect(text).toContain(shortName(id, lang));
    // Never "service: in person" as if it served now: only how it will serve once it reopens.
    expect(text).not.toContain(t(lang, 'status.open', { ...officeNames(core, 'elche-el-altet', lang), modes: t(lang, 'mode.in_person') }));
    expect(body.reply.quickReplies.map((q) => q.label)).toContain(t(lang, 'quick.subscribe_office', officeNames(core, 'elche-el-altet', lang)));
  });

  it.each(LANGS)('%s: an open office says so (yes, first, to "is it open?"), with how it serves', async (lang) => {
    const body = await ask(session('open'), altet[lang].replace(/El Altet|l'Altet/, 'Altabix'));
    expect(firstSentence(body.reply.text)).toBe(t(lang, 'status.yes_open', { ...officeNames(core, 'elche-altabix', lang), modes: t(lang, 'mode.in_person') }));
    expect(body.reply.text).toContain(t(lang, 'mode.in_person'));
  });
});

describe('follow-ups', () => {
  it.each(LANGS)('%s: "and Torrellano?" after a subscription asks its status, and subscribes nobody', async (lang) => {
    const s = session('follow');
    await ask(s, altet[lang]);
    const sub = await ask(s, notifyMe[lang]);
    expect(sub.nlu).toMatchObject({ intent: 'subscribe_updates', entities: { office: 'elche-el-altet' } });
    const follow = await ask(s, andTorrellano[lang]);
    expect(follow.nlu).toMatchObject({ intent: 'office_status', entities: { office: 'elche-torrellano' } });
    expect(firstSentence(follow.reply.text)).toContain(officeNames(core, 'elche-torrellano', lang).office);
    expect(follow.reply.text).toContain(t(lang, 'mode.in_person'));
    const torrellano = await core.subscriptions.subscribers('elche-torrellano');
    expect(torrellano.some((x) => x.address.id === webId(core, s))).toBe(false);
  });

  it.each(LANGS)('%s: asking to be told when an open office opens says it is open and offers to notify anyway', async (lang) => {
    const s = session('open-notify');
    const phrase: Record<Lang, string> = {
      es: 'avíseme cuando abra la OMAC de Torrellano',
      ca: "avise'm quan òbriga l'OMAC de Torrellano",
      it: "mi avvisi quando apre l'OMAC di Torrellano",
      sv: 'meddela mig när Torrellano öppnar',
      en: 'let me know when OMAC Torrellano opens',
    };
    const offer = await ask(s, phrase[lang]);
    expect(offer.nlu.intent).toBe('subscribe_updates');
    expect(offer.reply.text).toContain(statusText(core, 'elche-torrellano', lang));
    expect(offer.reply.text).toContain(t(lang, 'subscribe.offer_anyway'));
    expect((await core.subscriptions.subscribers('elche-torrellano')).some((x) => x.address.id === webId(core, s))).toBe(false);
    const [anyway] = offer.reply.quickReplies;
    expect(anyway.label).toBe(t(lang, 'quick.notify_anyway', officeNames(core, 'elche-torrellano', lang)));
    const done = await ask(s, anyway.text);
    expect(done.reply.text).toBe(webSubscribed(core, 'elche-torrellano', lang));
    expect((await core.subscriptions.subscribers('elche-torrellano')).some((x) => x.address.id === webId(core, s))).toBe(true);
  });

  // Yes only from a fact (Paiporta files online); the facts never say a channel is NOT available for
  // these, so the answer is "I don't know whether it can be done online / by phone", then how it is done.
  it.each([
    ['es', 'Necesito entregar unos papeles en el ayuntamiento de Elche', '¿y se puede hacer por internet?', 'document_submission', 'online'],
    ['it', 'Devo presentare dei documenti al comune di Paiporta', 'si può fare online?', 'document_submission', 'yes'],
    ['sv', 'Hur får jag ett folkbokföringsintyg i Elche?', 'går det på nätet?', 'certificate_request', 'online'],
    ['en', 'I need the Bus Lliure card in Elche', 'can I do it online?', 'transport_card', 'online'],
    ['sv', 'Jag måste lämna in en ansökan till Paiporta kommun', 'Per telefon?', 'document_submission', 'phone'],
    ['es', 'Necesito presentar una solicitud en Paiporta', '¿y por teléfono?', 'document_submission', 'phone'],
  ] as [Lang, string, string, string, string][])('%s: "%s" then "%s": the same procedure, and yes (from a fact) or "I don\'t know" first', async (lang, first, followUp, intent, answer) => {
    const s = session('by-channel');
    await ask(s, first);
    const body = await ask(s, followUp);
    expect(body.nlu.intent).toBe(intent);
    const expected = answer === 'yes' ? t(lang, 'answer.yes') : t(lang, 'channel.unknown', { channel: t(lang, `channel_words.${answer}`) });
    expect(firstSentence(body.reply.text)).toBe(expected);
    expect(body.reply.text.length).toBeGreaterThan(expected.length + 20); // then how it is done
  });

  it('a plain yes takes the offer', async () => {
    const s = session('yes');
    await ask(s, 'avísame cuando abra Torrellano');
    const done = await ask(s, 'sí');
    expect(done.nlu.intent).toBe('subscribe_updates');
    expect((await core.subscriptions.subscribers('elche-torrellano')).some((x) => x.address.id === webId(core, s))).toBe(true);
  });

  it.each([
    ['sv', 'När öppnar OMAC Centro?', 'elche-centro'],
    ['sv', 'Vilka tider har Altabix öppet?', 'elche-altabix'],
    ['es', '¿Cuándo abre la OMAC de Centro?', 'elche-centro'],
    ['ca', "Quin horari té l'OMAC d'Altabix?", 'elche-altabix'],
    ['en', 'What time does the Torrellano office open?', 'elche-torrellano'],
  ] as [Lang, string, string][])('%s: "%s" is about opening hours: that they are unknown and where to find them comes first', async (lang, text, office) => {
    const body = await ask(session('hours'), text);
    expect(body.nlu.intent).toBe('office_hours');
    const where = t(lang, 'ask.site_hours', { site: kbText(core.knowledge.organisation('elche')!.officialSite, lang) });
    expect(firstSentence(body.reply.text)).toBe(t(lang, 'hours.unknown_named_ask', { ...officeNames(core, office, lang), ask: where }));
    expect(body.reply.text).toContain(statusText(core, office, lang));
  });
});

describe("the conversation's organisation", () => {
  const board: Record<Lang, string> = {
    es: '¿Qué oficinas están abiertas?',
    ca: 'Quines oficines estan obertes?',
    it: 'Quali uffici sono aperti?',
    sv: 'Vilka kontor har öppet?',
    en: 'Which offices are open?',
  };
  const human: Record<Lang, string> = {
    es: 'quiero hablar con una persona',
    ca: 'vull parlar amb una persona',
    it: 'voglio parlare con un operatore',
    sv: 'jag vill prata med en människa',
    en: 'I want to talk to a human',
  };
  const orgName = (id: string, lang: Lang) => localized(core.knowledge.organisation(id)!.name, lang);

  it.each(LANGS)('%s: with none known yet, the board is grouped by organisation, each with what still works', async (lang) => {
    const body = await ask(session('board'), board[lang]);
    for (const org of ['elche', 'paiporta', 'ats-insubria']) expect(body.reply.text).toContain(orgName(org, lang));
    expect(body.reply.text).toContain(kbText(core.knowledge.office('paiporta-oficina-unica')!.service, lang));
    expect(body.reply.quickReplies.map((q) => q.text)).not.toContain(t(lang, 'quick.open_offices'));
  });

  it.each(LANGS)('%s: after a question about ATS in Varese, the board and a person are ATS only', async (lang) => {
    const s = session('ats');
    const varese: Record<Lang, string> = {
      es: '¿Está abierta la sede de ATS Insubria en Varese?',
      ca: "Està oberta la seu de l'ATS Insubria a Varese?",
      it: 'La sede di Varese è aperta?',
      sv: 'Har ATS Insubria i Varese öppet?',
      en: 'Is ATS Insubria in Varese open?',
    };
    expect((await ask(s, varese[lang])).nlu.entities.office).toBe('ats-insubria-varese');
    const list = await ask(s, board[lang]);
    expect(list.reply.text).not.toContain(orgName('elche', lang));
    expect(list.reply.text).toContain(core.knowledge.office('ats-insubria-como')!.short[lang]!);
    const person = await ask(s, human[lang]);
    expect(person.nlu.intent).toBe('human_agent');
    expect(firstSentence(person.reply.text)).toBe(t(lang, 'human.cannot'));
    for (const value of ['031/370.111', '0332/277.111', 'urp@ats-insubria.it']) expect(person.reply.text).toContain(value);
    expect(person.reply.text).not.toContain(orgName('elche', lang));
    expect(person.reply.text).not.toContain(orgName('paiporta', lang));
  });

  it.each(LANGS)('%s: asking for a person with no organisation known asks which one', async (lang) => {
    const body = await ask(session('who'), human[lang]);
    expect(body.reply.quickReplies.map((q) => q.label).sort()).toEqual(['elche', 'paiporta', 'ats-insubria'].map((o) => orgName(o, lang)).sort());
    expect(body.reply.text).not.toMatch(/\d{3}/);
  });

  it.each(['es', 'ca', 'en'] as Lang[])('%s: the clarifying question for a certificate offers only the organisations that issue one', async (lang) => {
    const text: Record<string, string> = { es: 'necesito un certificado', ca: 'necessite un certificat', en: 'I need a certificate' };
    const body = await ask(session('which-org'), text[lang]);
    expect(body.nlu.intent).toBe('certificate_request');
    expect(body.reply.quickReplies.map((q) => q.label).sort()).toEqual(['elche', 'paiporta'].map((o) => orgName(o, lang)).sort());
  });

  it.each(LANGS)('%s: the API field org scopes a new conversation', async (lang) => {
    const body = await ask(session('org-field'), board[lang], { org: 'paiporta' });
    expect(body.reply.text).toContain(kbText(core.knowledge.office('paiporta-oficina-unica')!.service, lang));
    expect(body.reply.text).not.toContain(orgName('elche', lang));
    expect(body.reply.text).not.toContain('ATS');
  });

  it('the API refuses an unknown organisation with a 400', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/chat', payload: { sessionId: 'org-unknown', text: 'hola', org: 'valencia' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/valencia/);
  });

  it.each(['es', 'it', 'en'] as Lang[])('%s: greeting and help name the organisations covered, and only the entry point\'s when it has one', async (lang) => {
    const hello: Record<string, string> = { es: 'hola, buenos días', it: 'buongiorno', en: 'hello there' };
    const all = await ask(session('hello'), hello[lang]);
    for (const org of ['elche', 'paiporta', 'ats-insubria']) expect(all.reply.text).toContain(orgName(org, lang));
    const s = session('hello-paiporta');
    const one = await ask(s, hello[lang], { org: 'paiporta' });
    expect(one.reply.text).toContain(orgName('paiporta', lang));
    expect(one.reply.text).not.toContain(orgName('elche', lang));
    const help = await ask(s, t(lang, 'quick.help'));
    expect(help.nlu.intent).toBe('help');
    expect(help.reply.text).not.toContain('Bus Lliure');
    expect(help.reply.quickReplies.map((q) => q.text)).not.toContain(t(lang, 'quick.help'));
  });
});

describe('missing facts', () => {
  it.each([
    ['es', '¿Cuál es el teléfono del Ayuntamiento de Elche?'],
    ['sv', 'Vad är telefonnumret till Elche kommun?'],
    ['en', "What's the phone number of Elche council?"],
  ] as [Lang, string][])('%s: no phone for Elche: says so, and offers the open offices and the website', async (lang, text) => {
    const body = await ask(session('no-phone'), text);
    expect(body.nlu.intent).toBe('contact_phone');
    expect(body.reply.text).not.toMatch(/\d{3}/);
    for (const id of OPEN_OMAC) expect(body.reply.text).toContain(shortName(id, lang));
    expect(body.reply.text).toContain(kbText(core.knowledge.organisation('elche')!.officialSite, lang));
  });

  it.each([
    ['es', '¿Dónde está la OMAC Centro?'],
    ['ca', "On queda l'OMAC Centre?"],
    ['en', 'Where is OMAC Centro?'],
  ] as [Lang, string][])('%s: no address: says so and where to find it, not a sentence about schedules', async (lang, text) => {
    const body = await ask(session('no-address'), text);
    expect(body.nlu.intent).toBe('office_location');
    const site = kbText(core.knowledge.organisation('elche')!.officialSite, lang);
    expect(body.reply.text).toBe(t(lang, 'location.unknown_ask', { ...officeNames(core, 'elche-centro', lang), ask: t(lang, 'ask.site_location', { site }) }));
  });

  it.each([
    ['es', 'Quiero presentar una solicitud de ayuda social en Paiporta'],
    ['it', 'Voglio presentare una domanda di aiuto sociale a Paiporta'],
    ['en', 'I want to submit an application for social aid in Paiporta'],
    ['es', '¿Cómo hago los trámites con el Ayuntamiento de Paiporta?'],
    ['ca', "Estic confinada a casa, com faig els tràmits amb l'Ajuntament de Paiporta?"],
    ['it', 'Come faccio le pratiche con il Comune di Paiporta?'],
    ['sv', 'Hur sköter jag mina ärenden med Paiporta kommun?'],
  ] as [Lang, string][])('%s: "%s": documents are filed online; phone help is said to have no number', async (lang, text) => {
    const body = await ask(session('documents'), text);
    expect(body.nlu.intent).toBe('document_submission');
    const org = core.knowledge.organisation('paiporta')!;
    expect(firstSentence(body.reply.text)).toBe(t(lang, 'submit.online', { online: core.knowledge.online(org, lang) }));
    expect(body.reply.text).toContain(t(lang, 'how.phone_help_no_number', { org: org.the[lang]! }));
  });
});

describe('the point first', () => {
  const swab: [Lang, string][] = [
    ['es', 'Necesito hacerme una PCR, ¿cómo la pido?'],
    ['it', 'devo prenotare un tampone'],
    ['sv', 'jag behöver boka ett covidtest, hur gör jag?'],
    ['en', 'I need to book a covid test, how?'],
  ];
  it.each(swab)('%s: a swab: the GP books it, said first, and that this is ATS Insubria', async (lang, text) => {
    const body = await ask(session('swab'), text);
    expect(body.nlu.intent).toBe('health_services');
    const service = core.knowledge.procedures('ats-insubria', 'health')[0].services.find((s) => s.id === 'swab')!;
    expect(body.reply.text.startsWith(kbText(service.text, lang))).toBe(true);
    expect(body.reply.text).toContain(kbText(core.knowledge.organisation('ats-insubria')!.place, lang));
  });

  it.each([
    ['es', '¿Por qué no funciona la web de ATS Insubria?'],
    ['it', "Perché il sito dell'ATS Insubria non funziona?"],
    ['en', "Why is ATS Insubria's website down?"],
  ] as [Lang, string][])('%s: the ATS website: down, and what remains available, first', async (lang, text) => {
    const body = await ask(session('website'), text);
    const service = (kind: 'website' | 'notice_board' | 'family_portal') => core.knowledge.service('ats-insubria', kind)!;
    expect(firstSentence(body.reply.text)).toContain(kbText(service('website').note, lang));
    for (const kind of ['notice_board', 'family_portal'] as const) expect(body.reply.text).toContain(kbText(service(kind).name, lang));
  });

  it.each([
    ['es', '¿Qué pasó con el ciberataque de Elche? ¿Mis datos están seguros?'],
    ['ca', "Què va passar amb el ciberatac d'Elx? Les meues dades estan segures?"],
    ['it', 'Cosa è successo con l\'attacco informatico a Elche? I miei dati sono al sicuro?'],
    ['sv', 'Vad hände med cyberattacken mot Elche? Är mina uppgifter säkra?'],
    ['en', 'What happened with the cyberattack on Elche? Is my data safe?'],
  ] as [Lang, string][])('%s: a question inside the question gets its own answer (personal data)', async (lang, text) => {
    const body = await ask(session('data'), text);
    expect(body.nlu.intent).toBe('incident_info');
    const site = kbText(core.knowledge.organisation('elche')!.officialSite, lang);
    expect(body.reply.text).toContain(t(lang, 'topic.data_unknown_ask', { ask: t(lang, 'ask.site_data', { site }) }));
    expect(body.reply.text).toContain(kbText(core.knowledge.organisation('elche')!.incident, lang));
  });

  it.each([
    ['es', '¿Han robado mis datos en el ciberataque de Elche?', 'elche'],
    ['ca', "Les meues dades personals estan segures després del ciberatac d'Elx?", 'elche'],
    ['it', "I miei dati personali sono al sicuro dopo l'attacco all'ATS?", 'ats-insubria'],
    ['sv', 'Har mina personuppgifter läckt efter attacken mot Elche?', 'elche'],
    ['en', 'Has my personal data been stolen in the Elche cyberattack?', 'elche'],
  ] as [Lang, string, string][])('%s: "%s" asks about personal data: that answer first, then the incident in short', async (lang, text, orgId) => {
    const body = await ask(session('data-first'), text);
    expect(body.nlu.intent).toBe('incident_info');
    const org = core.knowledge.organisation(orgId)!;
    // Where to ask: the official site, else (ATS) its email and phone.
    const where = kbText(org.officialSite, lang) || org.contacts.find((c) => c.type === 'email')!.value;
    const unknown = t(lang, 'topic.data_unknown_ask', { ask: '' }).split(/[;–]/)[0].trim();
    expect(firstSentence(body.reply.text).startsWith(unknown)).toBe(true);
    expect(firstSentence(body.reply.text)).toContain(where);
    expect(body.reply.text).toContain(kbText(org.incident, lang));
  });

  it.each([
    ['es', '¿Cómo contacto con ATS Insubria?', 'ats-insubria'],
    ['ca', "Com puc contactar amb l'Ajuntament de Paiporta?", 'paiporta'],
    ['it', "Come posso contattare l'ATS Insubria?", 'ats-insubria'],
    ['sv', 'Hur kontaktar jag ATS Insubria?', 'ats-insubria'],
    ['en', 'How can I contact Elche City Council?', 'elche'],
  ] as [Lang, string, string][])('%s: "%s" gets the ways to reach that organisation, as a phone question does', async (lang, text, org) => {
    const body = await ask(session('contact'), text);
    expect(body.nlu.intent).toBe('contact_phone');
    expect(body.nlu.entities.organisation).toBe(org);
    expect(body.nlu.entities.office).toBe(org === 'paiporta' ? 'paiporta-oficina-unica' : undefined); // "Cómo" is not Como
    const plain = await ask(session('contact-plain'), t(lang, 'quick.phones'), { org });
    expect(body.reply.text).toBe(plain.reply.text);
  });

  it.each([
    ['ca', 'Quins tràmits puc fer per internet a Paiporta?', 'paiporta'],
    ['sv', 'Vad kan jag göra på nätet i Paiporta?', 'paiporta'],
    ['es', '¿Qué puedo hacer por internet en Elche?', 'elche'],
    ['en', 'What can I do online in Elche?', 'elche'],
  ] as [Lang, string, string][])('%s: "%s": what is done online there, or that the bot knows of nothing, first', async (lang, text, orgId) => {
    const body = await ask(session('online'), text);
    expect(body.nlu.intent).toBe('help');
    const org = core.knowledge.organisation(orgId)!;
    const online = core.knowledge.online(org, lang);
    const [first, ...items] = body.reply.text.split('\n');
    if (online) {
      expect(first).toBe(t(lang, 'help.online', { online }));
      // The padrón and filing documents (the others need an appointment), then who helps by phone.
      const [one, two, phone] = items;
      expect(items).toHaveLength(3);
      expect([one, two].every((i) => i.length > 3)).toBe(true);
      expect(phone).toBe(t(lang, 'how.phone_help_no_number', officeNames(core, 'paiporta-oficina-unica', lang)));
    } else {
      expect(firstSentence(body.reply.text)).toBe(t(lang, 'help.online_none', officeNames(core, 'elche-centro', lang)));
    }
  });

  it.each(['Necessito la fe de vida, sóc de Paiporta', "Necessito un certificat, sóc d'Elx"])('ca: "%s" (central forms) is answered in Valencian', async (text) => {
    const body = await ask(session('ca-forms'), text);
    expect(body.lang).toBe('ca');
    expect(body.nlu.intent).toBe('certificate_request');
  });

  it.each([
    ['it', "Dov'è la sede di Como?", 'ats-insubria-como'],
    ['ca', "On és l'OMAC de Torrellano?", 'elche-torrellano'],
    ['sv', 'Var är OMAC Torrellano?', 'elche-torrellano'],
  ] as [Lang, string, string][])('%s: "%s" asks where, short as its question word is', async (lang, text, office) => {
    const body = await ask(session('where'), text);
    expect(body.nlu.intent).toBe('office_location');
    expect(body.nlu.entities.office).toBe(office);
    expect(firstSentence(body.reply.text).startsWith(t(lang, 'location.unknown', officeNames(core, office, lang)).replace(/\.$/, ''))).toBe(true);
  });

  it.each([
    ['es', '¿Funciona ya la página web del Ayuntamiento de Elche?'],
    ['ca', "Ha tornat a funcionar la web de l'Ajuntament d'Elx?"],
    ['en', 'Is the Elche council website working again?'],
  ] as [Lang, string][])('%s: a website the knowledge base says nothing of: said first', async (lang, text) => {
    const body = await ask(session('elche-website'), text);
    expect(body.nlu.intent).toBe('incident_info');
    expect(firstSentence(body.reply.text)).toBe(t(lang, 'topic.website_unknown', officeNames(core, 'elche-centro', lang)));
  });

  it.each([
    ['es', 'Buenos días, soy de Paiporta. ¿Puedo ir a la oficina sin cita?'],
    ['ca', "Puc anar a l'Oficina Única de Paiporta sense cita?"],
    ['it', "Posso andare all'ufficio di Paiporta senza appuntamento?"],
    ['sv', 'Kan jag gå till Oficina Única i Paiporta utan tidsbokning?'],
    ['en', 'Can I walk in to the Paiporta office without an appointment?'],
  ] as [Lang, string][])('%s: "without an appointment?" where one is needed: no, first', async (lang, text) => {
    const body = await ask(session('walk-in'), text);
    expect(body.nlu.intent).toBe('appointment');
    expect(firstSentence(body.reply.text)).toBe(t(lang, 'appointment.required', officeNames(core, 'paiporta-oficina-unica', lang)));
  });

  it.each([
    ['it', "Devo prenotare un appuntamento all'ATS di Como, come faccio?"],
    ['sv', 'Hur bokar jag tid hos ATS Insubria?'],
    ['en', 'Can I book an appointment with ATS Insubria?'],
  ] as [Lang, string][])('%s: an appointment the knowledge base knows nothing of: said first, with the channel to ask', async (lang, text) => {
    const body = await ask(session('ats-appointment'), text);
    expect(body.nlu.intent).toBe('appointment');
    const org = core.knowledge.organisation('ats-insubria')!;
    const email = org.contacts.find((c) => c.type === 'email')!.value;
    // Where to ask: its phone and its email.
    const none = t(lang, 'appointment.none_ask', { ...officeNames(core, 'ats-insubria-como', lang), ask: '' }).split(/[;–]/)[0].trim();
    expect(firstSentence(body.reply.text).startsWith(none)).toBe(true);
    expect(firstSentence(body.reply.text)).toContain(email);
  });

  it.each([
    ['es', 'Necesito un certificado de empadronamiento de Paiporta', '¿Se puede pedir cita previa?'],
    ['ca', "Necessite un certificat d'empadronament de Paiporta", 'Es pot demanar cita prèvia?'],
    ['en', 'I need a padron certificate from Paiporta', 'Can I book an appointment?'],
  ] as [Lang, string, string][])('%s: padrón in Paiporta is online with no appointment; the appointment answer says yes first, the rule, and that the padrón needs none', async (lang, padron, appointment) => {
    const s = session('padron');
    const first = await ask(s, padron);
    const org = core.knowledge.organisation('paiporta')!;
    const online = core.knowledge.online(org, lang);
    const what = t(lang, 'certificate.the.padron');
    expect(firstSentence(first.reply.text)).toBe(t(lang, 'how.online', { What: what.charAt(0).toUpperCase() + what.slice(1), online }));
    const second = await ask(s, appointment);
    expect(second.nlu.intent).toBe('appointment');
    expect(firstSentence(second.reply.text)).toBe(t(lang, 'answer.yes'));
    expect(second.reply.text).toContain(t(lang, 'appointment.rule', officeNames(core, 'paiporta-oficina-unica', lang)));
    expect(second.reply.text).toContain(t(lang, 'appointment.not_needed_online', { what, online }));
  });

  it.each([
    ['es', '¿Cómo pido la cita previa en Paiporta?'],
    ['ca', 'Com demane la cita prèvia a Paiporta?'],
    ['it', "Come prendo l'appuntamento a Paiporta?"],
    ['sv', 'Hur bokar jag tid i Paiporta?'],
    ['en', 'How do I book the appointment in Paiporta?'],
  ] as [Lang, string][])('%s: "%s": how it is booked, which the facts do not say: said first, never a yes', async (lang, text) => {
    const body = await ask(session('how-book'), text);
    expect(body.nlu.intent).toBe('appointment');
    expect(firstSentence(body.reply.text)).toBe(t(lang, 'appointment.no_booking'));
    expect(body.reply.text).not.toContain(t(lang, 'answer.yes'));
  });

  it.each([
    ['es', 'padrón en Paiporta'],
    ['sv', 'Hur får jag ett folkbokföringsintyg i Paiporta?'],
    ['en', 'How do I get a padrón in Paiporta?'],
  ] as [Lang, string][])('%s: "%s" (short words, a certificate and a place) is about the certificate, not the office', async (lang, text) => {
    const body = await ask(session('short'), text);
    expect(body.nlu.intent).toBe('certificate_request');
    const what = t(lang, 'certificate.the.padron');
    const online = core.knowledge.online(core.knowledge.organisation('paiporta'), lang);
    expect(firstSentence(body.reply.text)).toBe(t(lang, 'how.online', { What: what.charAt(0).toUpperCase() + what.slice(1), online }));
  });

  it.each([
    ['es', '¿Cómo saco la tarjeta Bus Lliure?'],
    ['sv', 'Hur får jag ett Bus Lliure-kort?'],
    ['en', 'How do I get a Bus Lliure card?'],
  ] as [Lang, string][])('%s: Bus Lliure: free transport for young people, at any open OMAC', async (lang, text) => {
    const body = await ask(session('bus'), text);
    expect(body.nlu.intent).toBe('transport_card');
    const card = core.knowledge.procedures('elche', 'transport_card')[0];
    expect(body.reply.text.toLowerCase()).toContain(kbText(card.name, lang).toLowerCase());
    for (const id of OPEN_OMAC) expect(body.reply.text).toContain(shortName(id, lang));
  });
});

describe('yes or no first', () => {
  // "No" only where a source says so: for these it says nothing of the channel asked, so "I don't know".
  it.each([
    ['en', 'Can I get my padron certificate online in Elche?', 'online'],
    ['ca', "Es pot demanar el certificat d'empadronament de Paiporta per internet?", 'yes'],
    ['es', '¿Puedo presentar una solicitud de ayuda social por teléfono en Paiporta?', 'phone'],
    ['sv', 'Kan jag lämna in en ansökan om socialt stöd per telefon i Paiporta?', 'phone'],
    ['it', 'Posso chiedere la tessera Bus Lliure online?', 'online'],
  ] as [Lang, string, string][])('%s: "%s" is answered %s first, then how it is done', async (lang, text, answer) => {
    const body = await ask(session('channel'), text);
    const expected = answer === 'yes' ? t(lang, 'answer.yes') : t(lang, 'channel.unknown', { channel: t(lang, `channel_words.${answer}`) });
    expect(firstSentence(body.reply.text)).toBe(expected);
    expect(body.reply.text.length).toBeGreaterThan(firstSentence(body.reply.text).length + 20);
  });

  it.each([
    ['es', '¿Puedo pedir la fe de vida en Paiporta sin cita?'],
    ['ca', 'Puc demanar la fe de vida a Paiporta sense cita?'],
    ['it', 'Posso chiedere la fe de vida a Paiporta senza appuntamento?'],
    ['sv', 'Kan jag få levnadsintyg i Paiporta utan tidsbokning?'],
    ['en', 'Can I get a life certificate in Paiporta without an appointment?'],
  ] as [Lang, string][])('%s: "%s": no, from the fact that it is done by appointment only', async (lang, text) => {
    const body = await ask(session('walk-in-life'), text);
    // Read as the certificate or as the appointment, the answer is the same no.
    expect([t(lang, 'channel.no', { channel: t(lang, 'channel_words.walk_in') }), t(lang, 'appointment.required', officeNames(core, 'paiporta-oficina-unica', lang))]).toContain(firstSentence(body.reply.text));
  });

  it.each([
    ['es', '¿Necesito cita para el empadronamiento en Paiporta?'],
    ['it', 'Serve un appuntamento per il certificato di residenza a Paiporta?'],
    ['en', 'Do I need an appointment for the padron certificate in Paiporta?'],
  ] as [Lang, string][])('%s: an appointment for a certificate that needs none: no, first', async (lang, text) => {
    const body = await ask(session('no-appointment'), text);
    expect(body.nlu.intent).toBe('appointment');
    expect(firstSentence(body.reply.text)).toBe(t(lang, 'appointment.not_needed_first', { what: t(lang, 'certificate.the.padron') }));
  });
});

describe('the same question again', () => {
  it.each([
    ['es', '¿Está abierta la OMAC de El Altet?', '¿pero ya está arreglado o no?'],
    ['ca', "L'OMAC de l'Altet ja obri?", 'i ja està tot solucionat?'],
    ['it', 'Come si prenota il tampone?', 'ma quindi come lo prenoto il tampone?'],
    ['sv', 'Har OMAC El Altet öppet?', 'har dom öppnat nu eller?'],
    ['en', 'Is the El Altet office open?', 'is it all sorted now then'],
  ] as [Lang, string, string][])('%s: the direct answer again, then only what was not said, or that this is all the bot knows', async (lang, first, again) => {
    const s = session('again');
    const before = (await ask(s, first)).reply.text;
    const after = (await ask(s, again)).reply.text;
    expect(firstSentence(after)).toBe(firstSentence(before));
    expect(after).toContain(t(lang, 'answer.all_known'));
    expect(after.length).toBeLessThan(before.length);
  });
});

describe('an appointment asked about with a certificate', () => {
  it.each([
    ['es', '¿Necesito cita previa para el certificado de empadronamiento en Paiporta?'],
    ['ca', "Cal demanar cita per al certificat d'empadronament a Paiporta?"],
    ['sv', 'Måste jag boka tid för att få intyg om empadronamiento i Paiporta?'],
  ] as [Lang, string][])('%s: "%s": no appointment is needed, first', async (lang, text) => {
    const body = await ask(session('appointment-certificate'), text);
    expect(body.nlu.intent).toBe('appointment');
    expect(firstSentence(body.reply.text)).toBe(t(lang, 'appointment.not_needed_first', { what: t(lang, 'certificate.the.padron') }));
  });

  it.each([
    ['es', '¿Necesito cita previa para el certificado de empadronamiento en Elche?'],
    ['ca', "Cal cita prèvia per al certificat d'empadronament a Elx?"],
    ['it', 'Serve l\'appuntamento per il certificato di residenza a Elche?'],
    ['sv', 'Behöver jag boka tid för intyg om empadronamiento i Elche?'],
    ['en', 'Do I need an appointment for the padrón certificate in Elche?'],
  ] as [Lang, string][])('%s: "%s": nothing known of appointments in Elche: said first, then where the certificate is got', async (lang, text) => {
    const body = await ask(session('appointment-elche'), text);
    expect(body.nlu.intent).toBe('appointment');
    const site = kbText(core.knowledge.organisation('elche')!.officialSite, lang);
    expect(firstSentence(body.reply.text)).toBe(t(lang, 'appointment.none_ask', { ...officeNames(core, 'elche-centro', lang), ask: t(lang, 'ask.site_appointment', { site }) }));
    expect(body.reply.text.toLowerCase()).toContain(t(lang, 'certificate.the.padron').toLowerCase());
    for (const office of OPEN_OMAC) expect(body.reply.text).toContain(shortName(office, lang));
  });
});

describe('language and names', () => {
  it.each([
    ['es', '¿Está abierta la OMAC de Altabix?'],
    ['it', "L'OMAC di Altabix è aperta?"],
    ['sv', 'Har OMAC Altabix öppet?'],
  ] as [Lang, string][])('%s: a message with no language of its own keeps the conversation\'s', async (lang, text) => {
    const s = session('keep-lang');
    expect((await ask(s, text)).lang).toBe(lang);
    for (const bare of ['👍', '12', '<b>Torrellano</b>']) expect((await ask(s, bare)).lang).toBe(lang);
  });

  it('unaccented Valencian is Valencian', async () => {
    const body = await ask(session('ca-plain'), 'on queda la oficina unica de paiporta');
    expect(body.lang).toBe('ca');
    expect(body.nlu.intent).toBe('office_location');
  });

  it.each([
    ['is El Alted open?', 'elche-el-altet'],
    ['¿está abierta Torelano?', 'elche-torrellano'],
    ['Är kontoret i centrum öppet?', 'elche-centro'],
    ['is the city centre office open?', 'elche-centro'],
  ])('"%s" names %s', async (text, office) => {
    expect((await ask(session('names'), text)).nlu.entities.office).toBe(office);
  });
});

describe('what the question is really about', () => {
  const org = (id: string) => core.knowledge.organisation(id)!;
  const deregister: Record<Lang, string> = {
    es: 'Quiero darme de baja del padrón',
    ca: 'Vull donar-me de baixa del padró',
    it: "Voglio cancellarmi dall'anagrafe",
    sv: 'Jag vill avregistrera mig från folkbokföringen',
    en: 'I want to deregister from the municipal register',
  };
  const noDeregistration = (lang: Lang, office: string, orgId: string) =>
    t(lang, 'certificate.deregistration_ask', { ...officeNames(core, office, lang), ask: t(lang, 'ask.site_deregistration', { site: kbText(org(orgId).officialSite, lang) }) });

  it.each(LANGS)('%s: leaving the padrón is not a certificate request: no such procedure, where to ask, then the open offices where its staff can be asked', async (lang) => {
    const id = session('deregister');
    const first = await ask(id, deregister[lang]);
    expect(first.nlu.intent).toBe('certificate_request');
    expect(first.reply.quickReplies.map((q) => q.label)).toEqual([kbText(org('elche').name, lang), kbText(org('paiporta').name, lang)]);
    // The answer to "which council?" keeps what was asked.
    const body = await ask(id, kbText(org('elche').name, lang));
    expect(firstSentence(body.reply.text)).toBe(noDeregistration(lang, 'elche-centro', 'elche'));
    expect(body.reply.text).toContain(t(lang, 'certificate.deregistration_padron'));
    for (const office of OPEN_OMAC) expect(body.reply.text).toContain(shortName(office, lang));
  });

  it.each(LANGS)("%s: leaving the padrón on Paiporta's widget: where to ask (its online portal), and its phone help", async (lang) => {
    const body = await ask(session('deregister-paiporta'), deregister[lang], { org: 'paiporta' });
    expect(firstSentence(body.reply.text)).toBe(noDeregistration(lang, 'paiporta-oficina-unica', 'paiporta'));
    expect(body.reply.text).toContain(t(lang, 'certificate.deregistration_padron'));
    expect(body.reply.text).toContain(core.knowledge.online(org('paiporta'), lang));
  });

  it.each(LANGS)('%s: leaving the padrón: where to ask and the staff who can answer, not how the padrón certificate is got (which was not asked)', async (lang) => {
    const elche = await ask(session('deregister-only'), deregister[lang], { org: 'elche' });
    const certificateOf = t(lang, 'certificate.the.padron').toLowerCase();
    expect(elche.reply.text.toLowerCase()).not.toContain(certificateOf);
    const open = OPEN_OMAC.map((o) => shortName(o, lang));
    expect(elche.reply.text).toContain(t(lang, 'contact.alt_offices', { any_open: kbText(org('elche').anyOpenOffice, lang), offices: new Intl.ListFormat(intlLocale(lang), { type: 'disjunction' }).format(open) }));
    const paiporta = await ask(session('deregister-only'), deregister[lang], { org: 'paiporta' });
    expect(paiporta.reply.text.toLowerCase()).not.toContain(certificateOf);
    expect(paiporta.reply.text).not.toContain(t(lang, 'how.phone_help_no_number', officeNames(core, 'paiporta-oficina-unica', lang)));
    expect(paiporta.reply.text).toContain(t(lang, 'contact.phone_help_no_number', officeNames(core, 'paiporta-oficina-unica', lang)));
  });

  const upToDate: Record<Lang, string> = {
    es: '¿Dónde puedo encontrar información actualizada?',
    ca: 'On puc trobar informació actualitzada?',
    it: 'Dove posso trovare informazioni aggiornate?',
    sv: 'Var hittar jag uppdaterad information?',
    en: 'Where can I find up-to-date information?',
  };
  // Where each organisation publishes its updates: its official site; ATS Insubria, whose website is down, what of it still works.
  const stillWorking = (lang: Lang) => {
    const names = (['notice_board', 'family_portal'] as const).map((kind) => kbText(core.knowledge.service('ats-insubria', kind)!.name, lang));
    return core.texts.t(lang)('service.still_working', { names: localizedList(names, lang), count: names.length });
  };
  const localizedList = (items: string[], lang: Lang) => new Intl.ListFormat(intlLocale(lang), { type: 'conjunction' }).format(items);
  const whereUpdates = (lang: Lang, id: string) =>
    `• ${t(lang, 'updates.where', { org: kbText(org(id).name, lang), where: kbText(org(id).officialSite, lang) || stillWorking(lang) })}`;

  it.each(LANGS)('%s: up-to-date information: where each organisation publishes it, and that the bot tells of changes here, without asking which office', async (lang) => {
    const body = await ask(session('updates'), upToDate[lang]);
    expect(body.nlu.intent).toBe('help');
    expect(body.reply.text.split('\n')).toEqual([t(lang, 'updates.intro'), ...['elche', 'paiporta', 'ats-insubria'].map((id) => whereUpdates(lang, id)), t(lang, 'help.notify')]);
  });

  it.each(LANGS)("%s: up-to-date information on ATS Insubria's widget: the state of its website and what still works", async (lang) => {
    const body = await ask(session('updates-ats'), upToDate[lang], { org: 'ats-insubria' });
    expect(body.reply.text.split('\n')).toEqual([t(lang, 'updates.intro'), whereUpdates(lang, 'ats-insubria'), t(lang, 'help.notify')]);
  });

  const firstDay: Record<Lang, string> = {
    es: '¿Cuántos trámites se pudieron hacer el primer día?',
    ca: 'Quants tràmits es van poder fer el primer dia?',
    it: 'Quante pratiche sono state fatte il primo giorno?',
    sv: 'Hur många ärenden kunde göras den första dagen?',
    en: 'How many procedures could be done on the first day?',
  };
  it.each(LANGS)('%s: how many procedures on the first day: the figures of the knowledge base, for the organisation that has them', async (lang) => {
    const body = await ask(session('first-day'), firstDay[lang]);
    expect(body.nlu.intent).toBe('incident_info');
    expect(body.nlu.entities.organisation).toBe('elche');
    expect(body.reply.text).toBe(kbText(org('elche').reopeningFigures, lang));
    expect(body.reply.text).toMatch(/780.*368/);
  });

  it.each([
    ['es', '¿Cuántos trámites hizo el Ayuntamiento de Paiporta el primer día?'],
    ['ca', 'I a Paiporta, quants tràmits van atendre el primer dia?'],
    ['en', 'How many procedures did Paiporta City Council handle on the first day?'],
  ] as [Lang, string][])('%s: the figures of an organisation the knowledge base has none for: said plainly, and where to ask', async (lang, text) => {
    const body = await ask(session('first-day-paiporta'), text);
    expect(body.nlu.intent).toBe('incident_info');
    const ask_ = t(lang, 'ask.site_figures', { site: kbText(org('paiporta').officialSite, lang) });
    expect(body.reply.text).toBe(t(lang, 'incident.figures_none_ask', { ...officeNames(core, 'paiporta-oficina-unica', lang), ask: ask_ }));
  });
});

describe('how many procedures on the first day, in other words', () => {
  const org = (id: string) => core.knowledge.organisation(id)!;
  // "va fer", "es van fer": only short words besides the figures' own, which made it read as a bare follow-up.
  it.each([
    ['ca', "Quants tràmits va fer l'Ajuntament de Paiporta el primer dia?"],
    ['ca', "Quantes gestions es van fer a l'Ajuntament de Paiporta el primer dia?"],
    ['es', '¿Cuántos trámites se hicieron el primer día en Paiporta?'],
    ['it', 'Quante pratiche ha fatto il Comune di Paiporta il primo giorno?'],
    ['sv', 'Hur många ärenden hade Paiporta kommun första dagen?'],
    ['en', 'How many procedures did Paiporta do on the first day?'],
  ] as [Lang, string][])('%s: "%s": Paiporta has no figures: said plainly, no number, and what the bot can tell instead', async (lang, text) => {
    const body = await ask(`answers-figures-paiporta-${++n}`, text);
    expect(body.nlu.intent).toBe('incident_info');
    expect(body.nlu.entities.organisation).toBe('paiporta');
    const ask_ = t(lang, 'ask.site_figures', { site: kbText(org('paiporta').officialSite, lang) });
    expect(body.reply.text).toBe(t(lang, 'incident.figures_none_ask', { ...officeNames(core, 'paiporta-oficina-unica', lang), ask: ask_ }));
    expect(body.reply.text).not.toMatch(/\d/);
    // What it does have: how the council serves now, and how to do things remotely (its buttons ask it).
    expect(body.reply.text.split(/(?<=[.?!])\s/).length).toBeGreaterThan(1);
    expect(body.reply.quickReplies.length).toBeGreaterThan(0);
  });

  it.each([
    ['ca', 'Quants tràmits es van fer el primer dia a Elx?'],
    ['ca', "Quants certificats es van fer el primer matí a les OMAC d'Elx?"],
  ] as [Lang, string][])('%s: "%s": the figures of Elche', async (lang, text) => {
    const body = await ask(`answers-figures-elche-${++n}`, text);
    expect(body.nlu.intent).toBe('incident_info');
    expect(body.reply.text).toBe(kbText(org('elche').reopeningFigures, lang));
  });
});

describe('which services still work', () => {
  it.each([
    ['ca', "Quins serveis de l'ATS funcionen?", 'ats-insubria'],
    ['es', '¿Qué servicios de ATS Insubria funcionan?', 'ats-insubria'],
    ['it', "Quali servizi dell'ATS funzionano?", 'ats-insubria'],
    ['sv', 'Vilka tjänster fungerar hos ATS Insubria?', 'ats-insubria'],
    ['en', 'Which ATS Insubria services are working?', 'ats-insubria'],
    ['es', '¿Qué servicios funcionan en Paiporta?', 'paiporta'],
    ['ca', 'Quins serveis funcionen a Paiporta?', 'paiporta'],
  ] as [Lang, string, string][])('%s: "%s": what works now (the offices\' status), not what the bot can do', async (lang, text, orgId) => {
    const body = await ask(`answers-working-${++n}`, text);
    expect(body.nlu.intent).toBe('office_status');
    expect(body.nlu.entities.organisation).toBe(orgId);
    // The same answer as "which offices are open?" on that organisation's widget.
    const plain = await ask(`answers-working-plain-${++n}`, t(lang, 'quick.open_offices'), { org: orgId });
    expect(body.reply.text).toBe(plain.reply.text);
    expect(body.reply.text).not.toContain(t(lang, 'help.notify'));
  });
});

describe('a change of address in everyday words', () => {
  it.each([
    ['es', 'Me he mudado, ¿cómo cambio mi domicilio en Elche?'],
    ['ca', "M'he mudat, com canvie el domicili a Elx?"],
    ['it', 'Ho traslocato, come faccio a cambiare residenza a Elche?'],
    ['sv', 'Jag har flyttat, hur ändrar jag min adress i Elche?'],
    ['en', 'I moved house in Elche, how do I change my address?'],
  ] as [Lang, string][])('%s: "%s": how the change-of-address certificate is got, not every certificate nor "I don\'t know"', async (lang, text) => {
    const body = await ask(`answers-address-change-${++n}`, text);
    expect(body.nlu.intent).toBe('certificate_request');
    expect(body.nlu.entities.certificate).toBe('address_change');
    expect(body.reply.text.toLowerCase()).toContain(t(lang, 'certificate.the.address_change').toLowerCase());
    expect(body.reply.text.toLowerCase()).not.toContain(t(lang, 'certificate.the.padron').toLowerCase());
    for (const office of OPEN_OMAC) expect(body.reply.text).toContain(shortName(office, lang));
  });
});

describe('a health question about a council', () => {
  const org = (id: string) => core.knowledge.organisation(id)!;
  const ats = (lang: Lang, key: 'org' | 'org_of') => `${officeNames(core, 'ats-insubria-como', lang)[key]}, ${kbText(org('ats-insubria').place, lang)}`;
  it.each([
    ['es', 'Tengo que pedir una PCR en Elche, ¿cómo lo hago?', 'elche'],
    ['ca', 'Necessite una PCR a Paiporta', 'paiporta'],
    ['ca', 'Com es demana una PCR a Elx?', 'elche'],
    ['it', 'Come faccio il tampone a Paiporta?', 'paiporta'],
    ['sv', 'Hur bokar jag ett covidtest i Elche?', 'elche'],
    ['en', 'I need a covid test in Paiporta', 'paiporta'],
  ] as [Lang, string, string][])('%s: "%s": the council has no health services: said so, and whose health information the bot has', async (lang, text, orgId) => {
    const body = await ask(`answers-health-council-${++n}`, text);
    expect(body.nlu.intent).toBe('health_services');
    expect(body.nlu.entities.organisation).toBe(orgId);
    const office = orgId === 'elche' ? 'elche-centro' : 'paiporta-oficina-unica';
    expect(body.reply.text).toBe(t(lang, 'health.elsewhere', { ...officeNames(core, office, lang), agency_of: ats(lang, 'org_of') }));
    // Not the agency's answer as if it were the council's, nor the council as a health agency.
    expect(body.reply.text).not.toContain(t(lang, 'health.scope', officeNames(core, office, lang)));
  });
});

describe('every reply of these conversations', () => {
  it('has no nested or adjacent parentheses and no unfilled placeholder', () => {
    expect(replies.length).toBeGreaterThan(100);
    for (const { text } of replies) {
      expect(text).not.toMatch(/\([^()]*\(|\)\s*\(/);
      expect(text).not.toMatch(/\{\{|\}\}/);
    }
  });
});



describe('erasure in the citizen\'s words', () => {
  const kept = async (name: string) => (await core.stores.sessions.get(`web:${webId(core, name)}`)) !== undefined;

  it('a yes in more words erases; the conversation keeps its language', async () => {
    const s = session('erase-yes');
    await ask(s, '¿La OMAC de Altabix está abierta?', { org: 'elche' });
    expect((await ask(s, 'preferiría que no guardarais esta conversación')).reply.text).toContain(t('es', 'forget.confirm'));
    const done = await ask(s, 'sí, venga, bórralo');
    expect(done.lang).toBe('es');
    expect(done.reply.text).toBe(t('es', 'forget.done'));
  });

  it('a yes and a no in one answer keep everything (a doubt erases nothing)', async () => {
    const s = session('erase-doubt');
    expect((await ask(s, 'Borra mis datos, por favor?', { org: 'elche' })).reply.text).toContain(t('es', 'forget.confirm'));
    expect((await ask(s, 'vale... bueno no, mejor déjelo así')).reply.text).toBe(t('es', 'forget.kept'));
    expect(await kept(s)).toBe(true);
  });

  it('a no in more words keeps everything', async () => {
    const s = session('erase-no');
    await ask(s, 'Kan ni glömma allt jag har skrivit?', { org: 'elche' });
    expect((await ask(s, 'nej, låt bli')).reply.text).toBe(t('sv', 'forget.kept'));
    expect(await kept(s)).toBe(true);
  });

  it('an organisation\'s own records are not the bot\'s: it says so, gives the contacts and asks about the conversation', async () => {
    const s = session('erase-records');
    const reply = (await ask(s, 'Voglio che cancelliate la mia cartella clinica dai vostri archivi', { org: 'ats-insubria' })).reply.text;
    expect(reply).toContain('urp@ats-insubria.it');
    expect(reply).toContain(t('it', 'forget.confirm'));
    expect(await kept(s)).toBe(true);
  });

  it('a command that names the conversation erases at once', async () => {
    const s = session('erase-command');
    await ask(s, 'Is Torrellano open?', { org: 'elche' });
    expect((await ask(s, 'Thanks. Now delete this conversation.')).reply.text).toBe(t('en', 'forget.done'));
  });
});

describe('several offices in one message', () => {
  it('each office named gets its answer', async () => {
    const reply = (await ask(session('two-offices'), 'Torrellano i l\'Altet estan oberts?', { org: 'elche' })).reply.text;
    expect(reply).toContain(shortName('elche-torrellano', 'ca'));
    expect(reply).toMatch(/Altet/);
    expect(reply.split('\n').length).toBeGreaterThan(1);
  });
});
