import { describe, expect, it } from 'vitest';
import type { Lang } from '../../src/knowledge/schema.js';
import { localized } from '../../src/knowledge/knowledge.js';
import { chatting } from '../support/helpers.js';

/**
 * Follow-ups the last answer does not cover, and questions whose first word must fit their form
 * (issue #29, graded replies of 2026-12-07), in all five languages, with wordings of our own.
 */
const chat = chatting('followups');
const { t } = chat;
/** A conversation's replies, one per message, in one new session. */
async function talk(org: string, lang: Lang, ...messages: string[]): Promise<string[]> {
  const sessionId = chat.session('talk');
  const replies: string[] = [];
  for (const [i, text] of messages.entries()) replies.push((await chat.ask(sessionId, text, i === 0 ? { ...(org ? { org } : {}), lang } : {})).reply.text);
  return replies;
}
const YES_OR_NO = /^(sí|si|sì|yes|ja|no|nej)[.,!:]/i;

const ORDINARY_EMAIL: Record<Lang, [string, string]> = {
  es: ['¿A qué dirección mando un documento oficial a la ATS?', '¿Y si lo mando desde un correo normal también vale?'],
  ca: ["A quina adreça envie un document oficial a l'ATS?", "I si l'envie des d'un correu normal també val?"],
  it: ["A che indirizzo mando un documento ufficiale all'ATS?", 'E se lo mando da una mail normale va bene lo stesso?'],
  sv: ['Vilken adress skickar jag ett officiellt dokument till hos ATS?', 'Duger en vanlig mejl också?'],
  en: ['Where do I send an official document to the ATS?', 'Can I just use normal email instead?'],
};

const PRIMARY_CARE_PROBLEMS: Record<Lang, string> = {
  es: '¿Ha tenido problemas la atención primaria con el ataque?',
  ca: "Ha tingut problemes l'atenció primària amb l'atac?",
  it: "L'attacco ha creato problemi ai medici di base?",
  sv: 'Har vårdcentralerna haft problem efter attacken?',
  en: 'Has primary care had problems since the attack?',
};

const HOW_LONG_AFTER_SUBSCRIBING: Record<Lang, [string, string]> = {
  es: ['Avísame cuando abra la OMAC de El Altet', '¿Y cuánto tardará más o menos?'],
  ca: ["Avisa'm quan òbriga l'OMAC de l'Altet", 'I quant de temps tardarà, més o menys?'],
  it: ["Mi avvisi quando riapre l'OMAC di El Altet?", 'E quanto tempo ci vuole ancora?'],
  sv: ['Säg till när OMAC El Altet öppnar', 'Och hur lång tid tar det ungefär?'],
  en: ['Let me know when the El Altet OMAC reopens', 'And roughly how long will that take?'],
};

const APPOINTMENT_UNKNOWNS: Record<Lang, [string, string, string]> = {
  es: ['¿Necesito cita para ir a la Oficina Única?', '¿Y cuánto tiempo hay que esperar para que te la den?', '¿La cita se puede pedir por teléfono?'],
  ca: ["Cal cita per anar a l'Oficina Única?", "I quant tarda la cita, normalment?", 'La cita es pot demanar per telèfon?'],
  it: ["Serve l'appuntamento per andare all'Oficina Única?", 'E quanto tempo ci vuole per averlo?', "L'appuntamento si può chiedere per telefono?"],
  sv: ['Behöver jag boka tid för att gå till Oficina Única?', 'Och hur länge får man vänta på en tid?', 'Kan man boka tiden per telefon?'],
  en: ['Do I need an appointment for the Oficina Única?', 'And how long does it take to get one?', 'Could I book the appointment by phone?'],
};

const COMPLAINT_NAMING_PLACE: Record<Lang, [string, string]> = {
  es: ['Estoy harto, he ido tres veces a la oficina de Paiporta y nada', 'Lo que quiero es el certificado de empadronamiento'],
  ca: ["Estic fart, he anat tres voltes a l'ajuntament de Paiporta i res", "Jo el que vull és el certificat d'empadronament"],
  it: ['Sono stufo, tre volte sono andato in comune a Paiporta e mi hanno rimandato a casa', 'A me serve solo il certificato di residenza'],
  sv: ['Jag är så trött på det här, tre gånger har jag varit på kommunen i Paiporta i onödan', 'Jag behöver bara mitt empadronamiento-intyg'],
  en: ["This is ridiculous, I've been to the Paiporta town hall three times for nothing", 'I just need my padrón certificate'],
};

const NOBODY_ANSWERS: Record<Lang, string> = {
  es: 'Llevo toda la mañana llamando a la ATS y nadie contesta',
  ca: "He cridat a l'ATS tres voltes i ningú contesta",
  it: "Chiamo l'ATS da stamattina e nessuno risponde",
  sv: 'Jag har ringt ATS hela förmiddagen men ingen svarar',
  en: "I've been calling the ATS all morning and nobody answers",
};

const SITE_FAILS: Record<Lang, string> = {
  es: '¿La web de la ATS no carga para nadie más?',
  ca: "La web de l'ATS no carrega per a ningú?",
  it: "Il sito dell'ATS non carica neanche a voi?",
  sv: 'Laddar inte ATS webbplats för någon annan heller?',
  en: "Won't load the ATS website for anyone else either?",
};

describe.each(['es', 'ca', 'it', 'sv', 'en'] as Lang[])('%s: follow-ups and first words', (lang) => {
  it('a yes/no follow-up the last reply has no answer to is not given that reply again: its lead, that this is all, where to ask', async () => {
    const [first, second] = await talk('ats-insubria', lang, ...ORDINARY_EMAIL[lang]);
    expect(first).toContain('protocollo@pec.ats-insubria.it');
    expect(second).not.toBe(first);
    expect(second).toContain(t(lang, 'answer.all_known'));
    expect(second).toContain('protocollo@pec.ats-insubria.it');
    expect(second).toMatch(/urp@ats-insubria\.it|031\/370\.111/);
  });

  it('whether a service has had problems is answered "no" when it works', async () => {
    const [reply] = await talk('ats-insubria', lang, PRIMARY_CARE_PROBLEMS[lang]);
    expect(reply).toMatch(new RegExp(`^${t(lang, 'answer.no').replace('.', '')}[.,]`));
    expect(reply).toContain('031/370.111');
  });

  it('how long, asked after subscribing, is answered with the office state and its expected reopening, not the subscription again', async () => {
    const [subscribed, asked] = await talk('elche', lang, ...HOW_LONG_AFTER_SUBSCRIBING[lang]);
    expect(asked).not.toBe(subscribed);
    expect(asked).toContain(localized(chat.core.knowledge.office('elche-el-altet')!.expectedReopening, lang));
    expect(asked).toMatch(/Torrellano/);
    expect(asked).not.toMatch(YES_OR_NO);
  });

  it('a complaint that names a place keeps it: its apology has that council\'s contacts, and the next question is about it', async () => {
    const [sorry, certificate] = await talk('', lang, ...COMPLAINT_NAMING_PLACE[lang]);
    expect(sorry.startsWith(t(lang, 'complaint.sorry')), sorry).toBe(true);
    expect(sorry).not.toContain(t(lang, 'complaint.which'));
    expect(sorry).toContain('Paiporta');
    expect(certificate).toContain('Paiporta');
    expect(certificate).not.toContain('Elche');
  });

  it('nobody answering gets an apology and each way to reach the staff once', async () => {
    const [reply] = await talk('ats-insubria', lang, NOBODY_ANSWERS[lang]);
    expect(reply.startsWith(t(lang, 'complaint.sorry')), reply).toBe(true);
    expect(reply.split('urp@ats-insubria.it').length - 1, reply).toBe(1);
  });

  it('asked whether the website fails, yes first: it is down', async () => {
    const [reply] = await talk('ats-insubria', lang, SITE_FAILS[lang]);
    const yes = t(lang, 'answer.yes').replace('.', '');
    expect(reply, reply).toMatch(new RegExp(`(^|\\. )${yes}[.,]`));
  });

  it('how long an appointment takes, or whether it is booked by phone, is "I don\'t know" first, never a yes', async () => {
    const [, howLong, byPhone] = await talk('paiporta', lang, ...APPOINTMENT_UNKNOWNS[lang]);
    expect(howLong.startsWith(t(lang, 'answer.unknown')), howLong).toBe(true);
    expect(byPhone).not.toMatch(YES_OR_NO);
    expect(byPhone).toMatch(/cita|appunt|appointment|tid/i);
  });
});
