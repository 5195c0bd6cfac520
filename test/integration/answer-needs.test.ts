import { describe, expect, it } from 'vitest';
import type { Lang } from '../../src/knowledge/schema.js';
import { chatting } from '../support/helpers.js';

/**
 * The five needs of the second blind development set (issue #29), each on wordings of our own in
 * all five languages (not those of test/fixtures/focus2-dialogues/): how an organisation works
 * now, questions about the chat itself, corrections, asking for more, a complaint with a question,
 * and the ways to reach an organisation.
 */
interface Wordings {
  /** A yes/no question whether Elche's council is shut. */
  shut: string;
  /** Questions about the chat itself (kept? who reads it? how long?). */
  aboutChat: string[];
  /** After asking about Torrellano: "forget that, I meant Altabix: is it open?". */
  correction: string;
  /** After an answer: asking for more. */
  more: string[];
  /** Angry, with a question about a health service. */
  complaint: string;
  /** How to reach an organisation. */
  reach: string;
}

const WORDINGS: Record<Lang, Wordings> = {
  es: {
    shut: '¿El Ayuntamiento de Elche sigue cerrado por lo del ciberataque?',
    aboutChat: ['¿os quedáis con lo que os escribo?', '¿durante cuánto tiempo se conserva este chat?'],
    correction: 'perdona, me he liado: quería decir la OMAC de Altabix, ¿esa está abierta?',
    more: ['¿y algo más?', '¿solo sabes eso?'],
    complaint: 'Es una vergüenza, llevo toda la semana llamando y nadie coge el teléfono. ¿Cómo activo la cuarentena de mi hijo?',
    reach: '¿Cómo me pongo en contacto con el Ayuntamiento de Elche?',
  },
  ca: {
    shut: "L'Ajuntament d'Elx continua tancat pel ciberatac?",
    aboutChat: ['us quedeu amb el que vos escric?', 'durant quant de temps es conserva este xat?'],
    correction: "perdona, m'he liat: volia dir l'OMAC d'Altabix, eixa està oberta?",
    more: ['i alguna cosa més?', 'només saps això?'],
    complaint: "És una vergonya, porte tota la setmana telefonant i ningú m'agafa el telèfon. Com active la quarantena del meu fill?",
    reach: "Com em pose en contacte amb l'Ajuntament d'Elx?",
  },
  it: {
    shut: 'Il Comune di Elche è ancora chiuso per l’attacco informatico?',
    aboutChat: ['vi tenete quello che vi scrivo?', 'per quanto tempo viene conservata questa chat?'],
    correction: "scusi, mi sono confusa: volevo dire l'OMAC di Altabix, quella è aperta?",
    more: ['e nient’altro?', 'sa solo questo?'],
    complaint: 'È una vergogna, è tutta la settimana che chiamo e non risponde nessuno. Come attivo la quarantena di mio figlio?',
    reach: 'Come mi metto in contatto con il Comune di Elche?',
  },
  sv: {
    shut: 'Är Elche kommun fortfarande stängd efter it-attacken?',
    aboutChat: ['behåller ni det jag skriver till er?', 'hur länge finns den här chatten sparad?'],
    correction: 'förlåt, jag rörde till det: jag menade OMAC Altabix, har det kontoret öppet?',
    more: ['och något mer?', 'är det bara det du vet?'],
    complaint: 'Det är skandal, jag har ringt hela veckan och ingen svarar. Hur får jag igång karantänen för min son?',
    reach: 'Hur kommer jag i kontakt med Elche kommun?',
  },
  en: {
    shut: 'Is Elche City Council still shut because of the cyberattack?',
    aboutChat: ['does this chat get saved anywhere?', 'for how long is this chat kept?'],
    correction: 'sorry, I got muddled: I meant the Altabix OMAC, is that one open?',
    more: ['and anything else?', 'is that really all you know?'],
    complaint: "This is a disgrace, I've been ringing all week and nobody picks up. How do I get my son's quarantine started?",
    reach: 'How do I get in touch with Elche City Council?',
  },
};

const LANGS = Object.keys(WORDINGS) as Lang[];
const ATS_CONTACTS = ['031/370.111', '0332/277.111', 'urp@ats-insubria.it', 'protocollo@pec.ats-insubria.it'];

const chat = chatting('needs');
const { session, ask, t, kept } = chat;
const sentencesOf = (text: string) => text.split(/(?<=[.!?])\s+|\n/).filter((s) => s.trim());

describe.each(LANGS)('%s: the needs of the second development set, on our own wordings', (lang) => {
  const w = WORDINGS[lang];

  it('whether the council is shut: which offices are open now comes first, not what happened', async () => {
    const body = await ask(session('shut'), w.shut, { lang });
    const [first] = sentencesOf(body.reply.text);
    const torrellano = chat.core.knowledge.office('elche-torrellano')!;
    expect(first, body.reply.text).toContain(torrellano.short[lang] ?? 'Torrellano');
    expect(body.reply.text.startsWith(chat.core.knowledge.organisation('elche')!.incident[lang]!)).toBe(false);
  });

  it('a question about the chat is answered about the chat: kept for a limited time, deleted when asked; nothing deleted, nothing offered', async () => {
    for (const text of w.aboutChat) {
      const s = session('chat');
      await ask(s, 'hola', { lang, org: 'elche' });
      const body = await ask(s, text);
      expect(body.reply.text, text).toContain(t(lang, 'about_chat.kept', { count: chat.core.config.SESSION_TTL_MINUTES }));
      expect(body.reply.text, text).toContain(t(lang, 'about_chat.delete'));
      expect(body.reply.text, text).not.toContain(t(lang, 'forget.confirm'));
      expect(await kept(s), text).toBe(true);
      // A plain "ok" after it is no yes to anything: the conversation stays.
      await ask(s, 'ok');
      expect(await kept(s), text).toBe(true);
    }
  });

  it('after the answer about the chat, the command it suggests erases the conversation', async () => {
    const s = session('chat-delete');
    const body = await ask(s, w.aboutChat[0], { lang, org: 'elche' });
    const suggested = /[«"”]([^»"”]+)[»"”]/.exec(body.reply.text)?.[1];
    expect(suggested, body.reply.text).toBeDefined();
    await ask(s, suggested!);
    expect(await kept(s)).toBe(false);
  });

  it('a correction answers the corrected question and never offers erasure', async () => {
    const s = session('correction');
    await ask(s, t(lang, 'quick.open_offices'), { lang, org: 'elche' });
    const body = await ask(s, w.correction);
    expect(body.nlu.intent).toBe('office_status');
    expect(body.nlu.entities.office).toBe('elche-altabix');
    expect(body.reply.text).not.toContain(t(lang, 'forget.confirm'));
    expect(await kept(s)).toBe(true);
  });

  it('asking for more never gets the last paragraph again: what was not said, or "that is all" and a channel', async () => {
    for (const more of w.more) {
      const s = session('more');
      const first = await ask(s, t(lang, 'quick.open_offices'), { lang, org: 'paiporta' });
      const again = await ask(s, more);
      expect(again.reply.text, more).not.toBe(first.reply.text);
      const before = new Set(sentencesOf(first.reply.text));
      const repeated = sentencesOf(again.reply.text).filter((x) => before.has(x));
      const allKnown = again.reply.text.includes(t(lang, 'answer.all_known'));
      // New sentences, or plainly all the bot knows; with the e-office that can answer either way.
      expect(allKnown || repeated.length === 0, `${more}: ${again.reply.text}`).toBe(true);
      expect(again.reply.text, more).toContain(chat.core.knowledge.organisation('paiporta')!.officialSite[lang]!);
    }
  });

  it('a complaint with a question: a short apology first, then the answer with the contacts that serve it', async () => {
    const body = await ask(session('complaint'), w.complaint, { lang, org: 'ats-insubria' });
    expect(body.reply.text.startsWith(t(lang, 'complaint.sorry')), body.reply.text).toBe(true);
    expect(body.nlu.intent).toBe('health_services');
    expect(ATS_CONTACTS.slice(0, 2).some((c) => body.reply.text.includes(c))).toBe(true);
  });

  it('how to reach an organisation: only the contacts it has, and no reply or help text promises another kind', async () => {
    const elche = await ask(session('reach'), w.reach, { lang });
    expect(elche.reply.text).not.toMatch(/@|\d{3}/);
    for (const q of elche.reply.quickReplies) expect(q.label).not.toBe(t(lang, 'contact.label.phone'));
    const help = await ask(session('reach-help'), t(lang, 'quick.help'), { lang, org: 'paiporta' });
    expect(help.reply.text).toContain(t(lang, 'help.contacts'));
    const ats = await ask(session('reach-ats'), t(lang, 'quick.phones'), { lang, org: 'ats-insubria' });
    for (const c of ATS_CONTACTS) expect(ats.reply.text, c).toContain(c);
  });
});
