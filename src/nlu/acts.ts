import { normalize, tokens } from './normalize.js';
import type { Lang } from '../knowledge/schema.js';

/**
 * The form of a question: what kind of answer it wants. `yes_no` wants yes, no or "I don't know"
 * first; the others want that thing (how it is done, where, when, …) and never a yes or a no.
 * `statement`: no question ("necesito el padrón", "borra mis datos"). `complaint` and `about_bot`
 * are learned by the classifier (intents/acts/), not read from cue words.
 */
export const ACTS = ['how', 'where', 'when', 'what', 'why', 'who', 'how_long', 'how_much', 'how_many', 'yes_no', 'statement', 'complaint', 'about_bot'] as const;
export type Act = (typeof ACTS)[number];

/** Per language: the words that open each kind of question, that negate, and that ask about a day or time (intents/entities/acts.yaml). */
type Cued = Exclude<Act, 'statement' | 'complaint' | 'about_bot'>;
export type ActCues = Partial<Record<Lang, Partial<Record<Cued | 'negation' | 'time', string[]>>>>;

/**
 * How far into a clause a question word may stand when the clause has its question mark ("¿quería
 * saber cuándo abre?"); without one it must open the clause ("quiero que me avisen" asks nothing).
 */
const WH_WITHIN = 4;

/**
 * The days a question may ask about, in the language's own words, from the CLDR data of Intl
 * (Node's ICU): the weekdays and yesterday, today, tomorrow ("sábado", "i morgon"). acts.yaml
 * adds what CLDR does not say ("hui", "fin de semana").
 */
function daysOf(lang: Lang): string[] {
  const weekday = new Intl.DateTimeFormat(lang, { weekday: 'long', timeZone: 'UTC' });
  const relative = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  return [...Array.from({ length: 7 }, (_, i) => weekday.format(Date.UTC(2024, 0, 1 + i))), ...[-1, 0, 1].map((d) => relative.format(d, 'day'))];
}

interface Cue {
  words: string[];
  act: Cued | 'negation' | 'time';
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
      for (const day of daysOf(lang)) list.push({ act: 'time', words: tokens(normalize(day)) });
      // Longest first: "cuanto tiempo" is how long, "cuanto" alone how much.
      this.cues.set(lang, list.sort((a, b) => b.words.length - a.words.length));
    }
  }

  /**
   * The act of the first clause that asks something (a question word wins over a bare "?"), and
   * whether a negation or a day or time ("hoy", "el sábado") stands anywhere. "Necesito el padrón,
   * ¿se puede hacer online?": yes_no.
   */
  read(text: string, lang: Lang): { act: Act; negated: boolean; timed: boolean } {
    const cues = this.cues.get(lang) ?? [];
    let act: Act | undefined;
    let negated = false;
    let timed = false;
    let first = true;
    // A sentence asks when it ends with "?"; its clauses ("Could you tell me how …, please?") are where question words stand.
    for (const sentence of text.split(/(?<=[.!?])\s+|\n/)) {
      const asked = sentence.includes('?');
      let wh: Act | undefined;
      let verbFirst = false;
      for (const clause of sentence.split(/[.!?¡¿,;:]+/)) {
        const words = tokens(normalize(clause));
        if (words.length === 0) continue;
        for (let i = 0; i < words.length; i++) {
          const cue = cues.find((c) => c.words.every((w, j) => words[i + j] === w));
          if (!cue) continue;
          // "Ta bort mina uppgifter. Det är inte en fråga.": only the first clause's negation negates the request.
          if (cue.act === 'negation') negated ||= first;
          else if (cue.act === 'time') timed = true;
          // A yes/no question typed without its mark opens with its verb ("can I…", "kan jag…").
          else if (cue.act === 'yes_no') verbFirst ||= i === 0;
          else if (i === 0 || (asked && i <= WH_WITHIN)) wh ??= cue.act;
          i += cue.words.length - 1;
        }
        first = false;
      }
      // "Buenas, ¿qué tengo que hacer…?", "Can you tell me where it is?": a question word anywhere in
      // the sentence wins over its mark and over the verb that opens it.
      act ??= wh ?? (verbFirst || asked ? 'yes_no' : undefined);
    }
    return { act: act ?? 'statement', negated, timed };
  }
}
