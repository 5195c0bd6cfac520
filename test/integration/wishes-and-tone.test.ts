import { describe, expect, it } from 'vitest';
import type { Lang } from '../../src/knowledge/schema.js';
import { chatting } from '../support/helpers.js';

// A wish not to keep what was written, said without a verb of erasing, is asked about (the
// learned act of intents/acts/erase_wish.yaml); messages that only look like complaints get no
// apology (intents/acts/calm.yaml); whether anyone is at an office is its status. Wordings of my
// own, none of them in the training data.
interface Case {
  wishes: string[];
  dataQuestion: string;
  keptAndWish: string;
  calm: string[];
  staffing: string;
}

const CASES: Record<Lang, Case> = {
  es: {
    wishes: ['uf, no tendría que haber escrito el nombre de mi madre aquí', 'preferiría que esto no se quedara por ahí, la verdad'],
    dataQuestion: '¿con el ciberataque se han llevado también los datos de los vecinos?',
    keptAndWish: '¿guardáis lo que pongo aquí? no me hace gracia que mi NIE quede registrado',
    calm: ['tranquilo, no hay ninguna prisa', 'perfecto, no necesito nada más, muchas gracias'],
    staffing: '¿hay alguien atendiendo ahora en la OMAC de Altabix?',
  },
  ca: {
    wishes: ["ai, no havia d'haver posat ací el nom del meu fill", 'preferiria que açò no quedara guardat enlloc'],
    dataQuestion: "amb el ciberatac també s'han emportat les dades dels veïns?",
    keptAndWish: "guardeu el que escric ací? no m'agrada gens que el meu DNI quede registrat",
    calm: ['tranquil, no tinc cap pressa', "perfecte, no necessite res més, moltes gràcies"],
    staffing: "hi ha algú atenent ara mateix a l'OMAC d'Altabix?",
  },
  it: {
    wishes: ['mannaggia, non avrei dovuto scrivere qui il nome di mia madre', 'preferirei che questa conversazione non restasse da nessuna parte'],
    dataQuestion: "con l'attacco informatico hanno preso anche i dati dei pazienti?",
    keptAndWish: 'conservate quello che scrivo qui? non mi piace che il mio codice fiscale resti registrato',
    calm: ['tranquillo, non ho nessuna fretta', 'perfetto, non mi serve altro, grazie mille'],
    staffing: "c'è qualcuno in ufficio adesso alla sede di Como?",
  },
  sv: {
    wishes: ['oj, jag borde inte ha skrivit min mammas namn här', 'helst vill jag inte att det här ligger kvar någonstans'],
    dataQuestion: 'kom hackarna åt invånarnas uppgifter också vid attacken?',
    keptAndWish: 'sparar ni det jag skriver här? jag gillar inte att mitt NIE-nummer finns kvar',
    calm: ['lugnt, det är ingen brådska alls', 'perfekt, jag behöver inget mer, tack så mycket'],
    staffing: 'är det någon på plats på OMAC Altabix just nu?',
  },
  en: {
    wishes: ["oh no, I shouldn't have typed my mum's name in here", "I'd rather none of what I wrote here was kept anywhere"],
    dataQuestion: "did the hackers get hold of residents' personal details as well?",
    keptAndWish: "do you keep what I write in here? I'm not comfortable with my NIE number being stored",
    calm: ["no worries, I'm in no hurry at all", "perfect, I don't need anything else, thanks a lot"],
    staffing: 'is anyone at the Altabix office right now?',
  },
};

const { session, ask: askChat, t, kept } = chatting('wishes');
const FIRST: Record<Lang, string> = { es: '¿está abierta la OMAC de Torrellano?', ca: "està oberta l'OMAC de Torrellano?", it: "l'OMAC di Torrellano è aperta?", sv: 'har OMAC Torrellano öppet?', en: 'is the Torrellano office open?' };

describe.each(Object.keys(CASES) as Lang[])('%s: wishes about the chat, and tone', (lang) => {
  const c = CASES[lang];
  const start = async (tag: string, org = 'elche') => {
    const s = session(tag);
    await askChat(s, FIRST[lang], { org, lang });
    return s;
  };

  it('a wish not to keep what was written hears what is kept and is asked first, erases nothing, and a yes then erases', async () => {
    for (const text of c.wishes) {
      const s = await start('wish');
      const body = await askChat(s, text);
      expect(body.reply.text, text).toContain(t(lang, 'about_chat.unanswered'));
      expect(body.reply.text.endsWith(t(lang, 'forget.confirm')), text).toBe(true);
      expect(await kept(s), text).toBe(true);
      await askChat(s, body.reply.quickReplies[0].text);
      expect(await kept(s), text).toBe(false);
    }
  });

  it('a question whether data were taken in the attack is about data safety, never a question about erasing', async () => {
    const s = await start('data');
    const body = await askChat(s, c.dataQuestion);
    expect(body.reply.text).not.toContain(t(lang, 'forget.confirm'));
    expect(body.nlu.intent).toBe('incident_info');
    expect(await kept(s)).toBe(true);
  });

  it('a question whether the chat is kept, with a wish beside it, says what is kept and how to have it deleted, and deletes nothing', async () => {
    const s = await start('kept');
    const body = await askChat(s, c.keptAndWish);
    expect(body.reply.text).toContain(t(lang, 'about_chat.unanswered'));
    expect(await kept(s)).toBe(true);
  });

  it('a calm message with words of trouble in it gets no apology', async () => {
    for (const text of c.calm) {
      const body = await askChat(await start('calm'), text);
      expect(body.reply.text, text).not.toContain(t(lang, 'complaint.sorry'));
    }
  });

  it('whether anyone is at an office now is answered with its status', async () => {
    const body = await askChat(session('staffing'), c.staffing, { org: lang === 'it' ? 'ats-insubria' : 'elche', lang });
    expect(body.nlu.intent).toBe('office_status');
  });
});
