import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../src/config.js';
import { ActReader } from '../../src/nlu/acts.js';
import { loadActCues } from '../../src/nlu/training.js';
import type { Lang } from '../../src/knowledge/schema.js';

/** The form of a question, from intents/entities/acts.yaml and CLDR's days, in all five languages. */
const reader = new ActReader(loadActCues(path.join(ROOT, 'intents')));
const read = (lang: Lang, text: string) => reader.read(text, lang);

describe('the form of a question', () => {
  it.each([
    ['es', '¿Qué papeles tengo que llevar para el certificado?', 'needs'],
    ['ca', 'i quins documents he de portar?', 'needs'],
    ['it', 'che documenti servono per il tampone?', 'needs'],
    ['sv', 'Vad ska jag ta med mig till kontoret?', 'needs'],
    ['en', 'how do I know what to bring?', 'needs'],
    // Beside no "what" or "how", the same words ask nothing of the kind.
    ['es', '¿Puedo llevar a mi hijo?', 'yes_no'],
    ['en', 'where do I take the documents?', 'where'],
    // A clause that opens with its question word asks it, not a "que" inside the clause before.
    ['es', 'tengo q llevar unos papeles al ayuntamiento, donde los dejo?', 'where'],
    ['ca', 'he de presentar una instància, on la porte?', 'where'],
    ['it', 'devo consegnare dei moduli che mi hanno dato, dove li porto?', 'where'],
    ['sv', 'jag har ett papper som ska lämnas in, var gör jag det?', 'where'],
    ['en', 'i have some forms that need handing in, where do they go?', 'where'],
    // A clause that opens with its verb asks yes or no; "when" in the clause before it is a conjunction…
    ['es', 'y cuando le den el alta, ¿tiene que pedir el certificado?', 'yes_no'],
    ['ca', 'i quan estiga bé, li donaran el certificat?', 'yes_no'],
    ['it', 'e quando sarà guarita, le daranno il certificato?', 'yes_no'],
    ['sv', 'och när hon är frisk, får hon ett intyg då?', 'yes_no'],
    ['en', 'and when shes better, will she get a recovery cert?', 'yes_no'],
    // …unless the message wonders about it first, or what follows is a tag of three words or fewer.
    ['en', 'i was wondering when it opens, can you tell me?', 'when'],
    ['ca', 'i quant de temps tardarà, més o menys?', 'how_long'],
    ['en', 'and how long will it take, more or less?', 'how_long'],
    // A question word that joins no clauses asks anywhere in a sentence with its mark; "que" far in does not.
    ['es', 'vale, y si da positivo mi hijo quién le activa la cuarentena?', 'who'],
    ['ca', 'i si el meu fill dona positiu qui li activa la quarantena?', 'who'],
    ['it', 'e se mio figlio risulta positivo chi gli attiva la quarantena?', 'who'],
    ['sv', 'och om min son testar positivt vem aktiverar karantänen då?', 'who'],
    ['en', 'and if my son tests positive who sets up the quarantine?', 'who'],
    ['es', '¿puedo ir a la oficina de siempre que está en Altabix?', 'yes_no'],
    // The verb that ends a question's words, in another tense.
    ['es', '¿y cuánto tardará más o menos?', 'how_long'],
    ['ca', 'quant tardaran a donar-me cita?', 'how_long'],
  ] as [Lang, string, string][])('%s: "%s" asks %s', (lang, text, act) => {
    expect(read(lang, text).act).toBe(act);
  });

  it.each([
    ['es', '¿Puedo pedir el padrón por internet?', 'can'],
    ['ca', 'Es pot fer en línia?', 'can'],
    ['it', 'posso prenotare il tampone?', 'can'],
    ['sv', 'kan jag boka tid?', 'can'],
    ['en', 'can i do it online', 'can'],
    ['es', '¿Tengo que ir en persona?', 'must'],
    ['ca', 'He d\'anar a la OMAC?', 'must'],
    ['it', 'devo andare in comune per forza?', 'must'],
    ['sv', 'Måste jag gå till kontoret?', 'must'],
    ['en', 'do I have to go in person?', 'must'],
    ['es', '¿Lo pido por internet o en la OMAC?', 'or'],
    ['it', 'il tampone lo prenoto io o il medico?', 'or'],
    ['sv', 'blir det klart direkt eller får man vänta?', 'or'],
    ['es', '¿Ya está arreglado o no?', undefined],
    ['sv', 'har dom öppnat nu eller?', undefined],
  ] as [Lang, string, string | undefined][])('%s: "%s" is a yes/no question asking %s', (lang, text, modality) => {
    const form = read(lang, text);
    expect(form.act).toBe('yes_no');
    expect(form.modality).toBe(modality);
  });

  it.each([
    ['it', "buongiorno, volevo sapere se gli uffici dell'ATS a Como sono aperti", 'yes_no'],
    ['es', 'quería saber dónde está la OMAC de Altabix', 'where'],
    ['ca', 'voldria saber quan obri l\'Altet', 'when'],
    ['sv', 'jag undrar om kontoret i Torrellano har öppet', 'yes_no'],
    ['en', 'I was wondering how I get the certificate', 'how'],
    ['es', 'necesito el padrón', 'statement'],
  ] as [Lang, string, string][])('%s: "%s" asks without a question mark: %s', (lang, text, act) => {
    expect(read(lang, text).act).toBe(act);
  });

  it.each([
    ['es', '¿Está abierta hoy la OMAC?', 'today'],
    ['sv', 'har ni öppet idag?', 'today'],
    ['ca', 'obriu els dissabtes?', 'other'],
    ['it', 'il sabato è aperta?', 'other'],
    ['en', 'is it open tomorrow?', 'other'],
    ['sv', 'stänger ni kl 14?', 'other'],
    ['es', '¿abre a las 9:30?', 'other'],
    ['en', 'is it open?', undefined],
    // Months and plural weekdays from CLDR; yesterday asks about no opening.
    ['it', 'ad agosto chiudono?', 'other'],
    ['es', '¿abren los domingos?', 'other'],
    ['sv', 'har de öppet på lördagar?', 'other'],
    ['en', 'are they open on Sundays?', 'other'],
    ['ca', 'obrin per les vesprades?', 'other'],
    ['es', 'fui ayer y no había nadie, ¿está cerrado?', undefined],
    ['en', 'may I go in person?', undefined],
    ['ca', "si arribe tard què passa?", undefined],
    // The day told after the question is no day asked about.
    ['sv', 'funkar vårdcentralen som vanligt? har tid hos läkaren på torsdag', undefined],
    ['es', 'tengo cita el lunes. ¿funciona el centro de salud?', undefined],
  ] as [Lang, string, string | undefined][])('%s: "%s" asks about %s', (lang, text, time) => {
    expect(read(lang, text).time).toBe(time);
  });
});

describe('negation', () => {
  it.each([
    ['sv', 'nej, jag vill inte ha några notiser', true],
    ['en', 'ok then, I do not want any updates', true],
    ['es', 'vale, no quiero más avisos', true],
    ['it', 'ok, non mandarmi più niente', true],
    ['ca', 'bé, no vull cap avís', true],
    // Only the request's own clause negates: a negation after it is about something else.
    ['sv', 'Ta bort mina uppgifter, det är inte en fråga', false],
    ['es', 'borra mis datos, no quiero que quede nada', false],
    ['es', 'borra todo, no quiero que quede nada', false],
  ] as [Lang, string, boolean][])('%s: "%s" is negated: %s', (lang, text, negated) => {
    expect(read(lang, text).negated).toBe(negated);
  });
});

describe('asking whether something works', () => {
  it.each([
    ['es', '¿ya va bien el correo?', true],
    ['ca', 'ja funciona el correu?', true],
    ['it', 'la mail funziona di nuovo?', true],
    ['sv', 'funkar mejlen nu?', true],
    ['en', 'is the email back up?', true],
    ['en', "what's the email address?", false],
  ] as [Lang, string, boolean][])('%s: "%s" asks whether it works: %s', (lang, text, works) => {
    expect(read(lang, text).works).toBe(works);
  });
});
