import { normalize, tokens } from './normalize.js';
import type { Lang } from '../knowledge/schema.js';

/**
 * The form of a question: what kind of answer it wants. `yes_no` wants yes, no or "I don't know"
 * first; the others want that thing (how it is done, where, when, …) and never a yes or a no.
 * `statement`: no question ("necesito el padrón", "borra mis datos"). The LEARNED acts are read
 * by a head of their own (intents/acts/), not from cue words: a question about the bot or about
 * the chat itself (is it kept, who reads it); so are a complaint, a correction and a request for
 * more, which go beside the message's act ("¿por qué no funciona la web??" asks why, angrily;
 * "no, perdona, quería decir Torrellano: ¿está abierta?" asks yes/no; "ok, ¿pero cómo exactamente?"
 * asks how, for more).
 */
export const LEARNED_ACTS = ['about_bot', 'about_chat'] as const;
export const ACTS = ['how', 'where', 'when', 'what', 'why', 'who', 'how_long', 'how_much', 'how_many', 'needs', 'yes_no', 'statement', ...LEARNED_ACTS] as const;
export type Act = (typeof ACTS)[number];

/** What the knowledge base never holds: how long, how much, how many, what to bring. Asked, the answer says first that it does not know. */
export const NEVER_KNOWN: ReadonlySet<Act> = new Set(['how_long', 'how_much', 'how_many', 'needs']);

/** Per language: the words that open each kind of question, that negate, and that ask about a day or time (intents/entities/acts.yaml). */
export type ActCues = Partial<Record<Lang, Partial<Record<CueKind, string[]>>>>;
/** The lists acts.yaml may give per language. */
export const CUE_KINDS = ['how', 'where', 'when', 'what', 'why', 'who', 'how_long', 'how_much', 'how_many', 'needs', 'yes_no', 'can', 'must', 'or', 'ask', 'negation', 'erase', 'forget', 'works', 'fails', 'time', 'today'] as const;
type CueKind = (typeof CUE_KINDS)[number];
/** What a yes/no question asks: whether something can be done, whether it must be, or which of two ("¿online o en persona?"). */
export type Modality = 'can' | 'must' | 'or';

/**
 * How far into a clause a question word may stand when the clause has its question mark ("¿quería
 * saber cuándo abre?"); without one it must open the clause ("quiero que me avisen" asks nothing).
 */
const WH_WITHIN = 4;

/** A clause this long or longer after the one with a question word asks itself ("…, ¿le dan el certificado?"); a shorter one is a tag ("…, más o menos?"). */
const ASKING_CLAUSE = 4;

/** A clause this short ("nej", "bueno no", "ok then") is an answer or an aside, not the request it opens. */
const ANSWER_WORDS = 2;

/**
 * The days a question may ask about, in the language's own words, from the CLDR data of Intl
 * (Node's ICU): the weekdays, today, tomorrow and the months ("sábado", "i morgon",
 * "agosto"). A weekday or month is also found in the plural ("los sábados", "lördagar"). acts.yaml
 * adds what CLDR does not say ("hui", "fin de semana", the afternoons: CLDR's "tarde" is also "late").
 * Words under four letters ("may") are too often something else.
 */
function daysOf(lang: Lang): { today: string; other: string[] } {
  const weekday = new Intl.DateTimeFormat(lang, { weekday: 'long', timeZone: 'UTC' });
  const month = new Intl.DateTimeFormat(lang, { month: 'long', timeZone: 'UTC' });
  const relative = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  const days = Array.from({ length: 7 }, (_, i) => weekday.format(Date.UTC(2024, 0, 1 + i)));
  const months = Array.from({ length: 12 }, (_, i) => month.format(Date.UTC(2024, i, 15)));
  const other = [...days, ...months].filter((w) => w.length >= 4);
  // Tomorrow is another day to ask about; yesterday is past ("fui ayer y no había nadie").
  return { today: relative.format(0, 'day'), other: [...other, relative.format(1, 'day')] };
}

/** A day, month or part of the day in the plural: "sabados" is "sabado"'s, "vesprades" "vesprada"'s, "lordagar" "lordag"'s. */
const PLURAL_FROM = 5;
function matches(cue: Cue, word: string | undefined, w: string): boolean {
  if (word === w) return true;
  // A day's name in the plural ("sábados"); the verb that ends a question's words in another tense ("cuánto tardará").
  const inflected = cue.act === 'time' ? cue.words.length === 1 : cue.words.length > 1 && w === cue.words.at(-1);
  if (!inflected || w.length < PLURAL_FROM || !word) return false;
  const stem = /[aeiou]$/.test(w) ? w.slice(0, -1) : w;
  return word.length >= w.length && word.length - w.length <= 3 && word.startsWith(stem);
}

type Day = 'today' | 'other';
/** Another day named anywhere outweighs today: "hoy no, ¿y el sábado?" asks about the Saturday. */
const mergeDay = (kept: Day | undefined, found: Day | undefined): Day | undefined => (kept === 'other' ? kept : found ?? kept);

/** A time of day as any of the languages writes it: "14:30", "14.30", "14h", "2pm", "kl 14", "alle 9". */
const CLOCK = /\b\d{1,2}([:.]\d{2}\b|\s?(h|am|pm)\b)|\b(kl|klockan|alle|at)\s\d{1,2}\b/i;

interface Cue {
  words: string[];
  act: CueKind;
}

/** The question form and negation of a message, from the cue words of its language. */
export class ActReader {
  private readonly cues = new Map<Lang, Cue[]>();

  constructor(cues: ActCues) {
    for (const [lang, byAct] of Object.entries(cues) as [Lang, ActCues[Lang]][]) {
      const list: Cue[] = [];
      for (const [act, phrases] of Object.entries(byAct ?? {}) as [Cue['act'], string[]][]) {
        for (const p of phrases) list.push({ act, words: tokens(normalize(p)) });
      }
      const days = daysOf(lang);
      for (const day of days.other) list.push({ act: 'time', words: tokens(normalize(day)) });
      list.push({ act: 'today', words: tokens(normalize(days.today)) });
      // Longest first: "cuanto tiempo" is how long, "cuanto" alone how much.
      this.cues.set(lang, list.sort((a, b) => b.words.length - a.words.length));
    }
    this.erasers = [...this.cues.values()].flatMap((list) => list.filter((c) => c.act === 'erase').map((c) => c.words));
  }

  /** The verbs of erasing of every language. */
  private readonly erasers: string[][];

  /**
   * The act of the first clause that asks something (a question word wins over a bare "?"), and
   * whether a negation stands in the first clause, and the day or time asked about: today ("hoy")
   * or another ("el sábado", "kl 14"), in a sentence that asks, or anywhere when none does ("funkar
   * vårdcentralen? har tid på torsdag" asks about now). "Necesito el padrón, ¿se puede hacer
   * online?": yes_no, whether it can be done.
   */
  read(text: string, lang: Lang): { act: Act; negated: boolean; erasing: boolean; forgetting: boolean; works: boolean; fails: boolean; time?: 'today' | 'other'; modality?: Modality } {
    const cues = this.cues.get(lang) ?? [];
    let act: Act | undefined;
    let negated = false;
    let erasing = false;
    let forgetting = false;
    let fails = false;
    let works = false;
    let time: Day | undefined;
    let told: Day | undefined;
    const marked = text.includes('?');
    let modality: Modality | undefined;
    let first = true;
    // A sentence asks when it ends with "?"; its clauses ("Could you tell me how …, please?") are where question words stand.
    for (const sentence of text.split(/(?<=[.!?])\s+|\n/)) {
      // "Volevo sapere se…", "I was wondering where…": a question without its mark.
      let asked = sentence.includes('?');
      let when: Day | undefined = CLOCK.test(sentence) ? 'other' : undefined;
      let wh: Act | undefined;
      // Whether that question word opens its clause: "tengo q entregar unos documentos, ¿dónde puedo?"
      // asks where (the clause that opens with one), not what ("q" inside the clause before).
      let whOpens = false;
      let wondered = false;
      // Whether it stands in the sentence's last clause so far.
      let whLast = false;
      let lastClause = 0;
      let verbFirst = false;
      let asks: Modality | undefined;
      let or = false;
      for (const clause of sentence.split(/[.!?¡¿,;:]+/)) {
        const words = tokens(normalize(clause));
        if (words.length === 0) continue;
        whLast = false;
        lastClause = words.length;
        let needs = false;
        let request = false;
        for (let i = 0; i < words.length; i++) {
          const cue = cues.find((c) => c.words.every((w, j) => matches(c, words[i + j], w)));
          if (!cue) continue;
          // "Ta bort mina uppgifter. Det är inte en fråga.": only the first clause's negation negates the request.
          if (cue.act === 'negation') negated ||= first;
          else if (cue.act === 'erase') erasing = request = true;
          else if (cue.act === 'forget') forgetting = request = true;
          else if (cue.act === 'works') works = true;
          else if (cue.act === 'fails') fails = true;
          else if (cue.act === 'time') when = 'other';
          else if (cue.act === 'today') when ??= 'today';
          // "¿online o en persona?" offers a choice; "¿ya está arreglado o no?", "har dom öppnat nu eller?" do not.
          else if (cue.act === 'or') or ||= i > 0 && words.slice(i + 1).some((w) => !cues.some((c) => c.act === 'negation' && c.words.length === 1 && c.words[0] === w));
          else if (cue.act === 'ask') asked = wondered = true;
          else if (cue.act === 'needs') needs = true;
          // A yes/no question typed without its mark opens with its verb ("can I…", "kan jag…").
          else if (cue.act === 'yes_no' || cue.act === 'can' || cue.act === 'must') {
            verbFirst ||= i === 0;
            if (cue.act !== 'yes_no' && (i === 0 || (asked && i <= WH_WITHIN))) asks ??= cue.act;
          }
          // A word that also joins clauses ("que", "che", "som", "what") asks only near the start of
          // its clause; "chi", "dove", "cuándo" ask anywhere in a sentence with its mark ("ok e se è positiva chi attiva la quarantena?").
          else if ((i === 0 && !whOpens) || (!wh && asked && (i <= WH_WITHIN || cue.act !== 'what'))) [wh, whOpens, whLast] = [cue.act, i === 0, true];
          i += cue.words.length - 1;
        }
        // A verb of erasing in any language ("sí, esborra-ho" is often read as another), with its
        // pronoun joined ("bórrelo", "cancellala").
        erasing ||= words.some((w, i) => this.erasers.some((e) => e.every((x, j) => words[i + j] === x || (j === e.length - 1 && withPronoun(words[i + j], x)))));
        // "¿Qué papeles llevo?", "how do I know what to bring?": what is needed, beside "what" or "how" in its clause.
        if (needs && (wh === 'what' || wh === 'how')) wh = 'needs';
        // "Nej, jag vill inte ha några notiser", "actually no, I don't…": an answer word or two before
        // the request does not end its first clause ("borra todo, no quiero…" is the request).
        first &&= words.length <= ANSWER_WORDS && !request;
      }
      // "Y cuando le den el alta, ¿le dan el certificado?": a question word inside a clause before the
      // one that asks was a conjunction (after "I was wondering" it asked; "…, más o menos?" asks nothing).
      if (asked && wh && !whOpens && !whLast && !wondered && lastClause >= ASKING_CLAUSE) wh = undefined;
      // "Buenas, ¿qué tengo que hacer…?", "Can you tell me where it is?": a question word anywhere in
      // the sentence wins over its mark and over the verb that opens it.
      const yesNo = !act && !wh && (verbFirst || asked);
      act ??= wh ?? (yesNo ? 'yes_no' : undefined);
      if (yesNo) modality = or ? 'or' : asks;
      // With a question mark somewhere, the sentences that have one ask; "har tid på torsdag" after it tells.
      if (marked ? asked : wh || verbFirst || asked) time = mergeDay(time, when);
      else told = mergeDay(told, when);
    }
    time ??= act ? undefined : told;
    return { act: act ?? 'statement', negated, erasing, forgetting, works, fails, ...(time ? { time } : {}), ...(modality ? { modality } : {}) };
  }
}

/** The pronouns a verb takes joined to it in Spanish, Valencian and Italian ("bórrelo", "esborra-ho", "cancellala"). */
const ENCLITIC = /^(?:me|te|se|nos|os|vos|lo|la|los|las|le|les|ho|li|mi|ti|ci|vi|gli|ne|mela|melo|selo|sela|mho)$/;
const withPronoun = (word: string | undefined, verb: string) => !!word && word.length > verb.length && word.startsWith(verb) && ENCLITIC.test(word.slice(verb.length));
