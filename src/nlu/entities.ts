import { distance } from 'fastest-levenshtein';
import stopwords from 'stopwords-iso' with { type: 'json' };
import { normalize, tokens } from './normalize.js';
import { stemmerFor } from './stemmer.js';
import type { KnowledgeBase, Lang } from '../knowledge/schema.js';

/**
 * `scope: all` marks questions about every office ("which offices are open?"); `topic` a question
 * inside the question ("is my data safe?"); `health` the health service asked about; `state` whether a yes/no question asks if an office is open or closed; `answer` a
 * yes or no; `channel` the way of doing something asked about ("can I do it online?").
 */
export const LEXICONS = ['certificate', 'language', 'scope', 'topic', 'health', 'answer', 'channel', 'state'] as const;
export type LexiconType = (typeof LEXICONS)[number];
export type EntityType = 'office' | 'organisation' | LexiconType;
export type Entities = Partial<Record<EntityType, string>>;
/** The offices and health services a message names after its first of each kind. */
export type Also = Partial<Record<'office' | 'health', string[]>>;

interface Entry {
  type: EntityType;
  id: string;
  notIn: Lang[];
  /** The organisation of an office: its weak aliases count when the message names it. */
  org?: string;
}

/**
 * Topics any other one named in the same message takes precedence over: "funcionen", "what works";
 * "mis datos", "this chat" beside what they are ("les meues dades del padró", "mina hälsouppgifter").
 */
const WEAK_TOPICS = new Set(['working', 'data_safety', 'conversation']);

/** A lexicon word this long or longer is also found inside a compound ("folkbokföringsintyget", "hälsouppgifterna"). */
const COMPOUND_PART = 6;
/** What may follow a compound's last part: its ending ("-na", "-en", "-erna"). */
const ENDING = 4;
/** A lexicon word this long or longer is also found with a typo ("empadronamento"); shorter ones only as written or by stem. */
const TYPO_LEXICON_WORD = 8;
/** A name word this long or longer is also found with a typo ("torellano", "El Alted"). */
const TYPO_NAME_WORD = 5;
/** A lexicon word this long or longer is also found by its stem ("cerrado" finds "cerradas"). */
const STEMMED_WORD = 4;

/**
 * Function words of the bot's languages (the stopwords-iso lists): a message of nothing but these
 * and entity names is an answer or a follow-up ("y la de Torrellano?", "what about Altabix?").
 */
const functionWords = (langs: readonly string[]) => new Set(langs.flatMap((l) => (stopwords as Record<string, string[] | undefined>)[l] ?? []).map(normalize));

/** A lexicon phrase found by its words' stems, in any order within a few words ("cambiar mi domicilio", "cerradas"). */
interface StemPhrase {
  words: string[];
  entry: Entry;
}

type Alias = string | { text: string; notIn: Lang[] };

/** Lexicons of entity values: id -> phrases (from intents/entities/). */
export type Lexicon = Record<string, string[]>;

/**
 * Gazetteer extraction: the knowledge base's office and organisation aliases plus the certificate
 * and language lexicons, matched leftmost-longest on normalised tokens (case and accents don't
 * matter), after correcting tokens that are a typo away from an alias word ("torellano").
 */
export class EntityExtractor {
  private phrases = new Map<string, Entry[]>();
  /** The most words of a phrase that starts with a word: most words start none, and are skipped at once. */
  private longestFrom = new Map<string, number>();
  private aliasWords = new Set<string>();
  /** Every word of a name or lexicon phrase: never corrected into another. */
  private lexiconWords = new Set<string>();
  private corrections = new Map<string, string>();
  /** Lexicon words long enough to stand inside a compound, with what they name. */
  private parts: { word: string; entry: Entry }[] = [];
  private stemPhrases: StemPhrase[] = [];
  private readonly functionWords: Set<string>;
  /** The function words a lexicon phrase is found without: all but the longer ones the lexicons use ("test", "working" are stopwords-iso's too). */
  private readonly skippable: Set<string>;
  /** The stem phrases in one language's stems, by their first stem: built at a language's first message. */
  private stemmed = new Map<Lang, Map<string, { stems: string[]; entry: Entry }[]>>();

  /** @param knownWords words of ordinary text (the training examples): short ones are never "corrected". */
  /** @param langs the bot's languages: their function words are left out of lexicon phrases and may stand in a bare message. */
  constructor(
    kb: KnowledgeBase,
    lexicons: Partial<Record<LexiconType, Lexicon>>,
    private readonly knownWords: Set<string> = new Set(),
    langs: readonly string[] = [],
  ) {
    for (const o of kb.offices) this.addAll('office', o.id, [...o.aliases, ...Object.values(o.name)], o.organisation);
    for (const o of kb.organisations) this.addAll('organisation', o.id, [o.id, ...o.aliases, ...Object.values(o.name)]);
    this.functionWords = functionWords(langs);
    const used = new Set([...this.phrases.keys()].flatMap((p) => p.split(' ')));
    for (const type of LEXICONS) for (const words of Object.values(lexicons[type] ?? {})) for (const w of words) for (const t of tokens(normalize(w))) used.add(t);
    // "de", "the" are skipped; "test", "alta", "working" (stopwords-iso's too) are what those phrases are about.
    this.skippable = new Set([...this.functionWords].filter((w) => w.length < 4 || !used.has(w)));
    // Each language by its name in each of the bot's languages, from CLDR ("sueco", "valencià" is language.yaml's).
    for (const lang of langs) this.addAll('language', lang, langs.map((l) => new Intl.DisplayNames([l], { type: 'language' }).of(lang) ?? lang), undefined, true);
    for (const type of LEXICONS) {
      for (const [id, words] of Object.entries(lexicons[type] ?? {})) this.addAll(type, id, words, undefined, true);
    }
  }

  private addAll(type: EntityType, id: string, aliases: Alias[], org?: string, lexicon = false): void {
    for (const a of aliases) {
      const text = typeof a === 'string' ? a : a.text;
      const notIn = typeof a === 'string' ? [] : a.notIn;
      const words = tokens(normalize(text));
      if (words.length === 0) continue;
      const key = words.join(' ');
      const list = this.phrases.get(key) ?? [];
      const entry = { type, id, notIn, org };
      if (!list.some((e) => e.type === type && e.id === id)) list.push(entry);
      if (lexicon) {
        // By stems: phrases by their content words; single words long enough not to stem into another word.
        const content = words.filter((w) => !this.skippable.has(w));
        // A phrase whose function word is its meaning ("sin cita", "en persona") is only found as written.
        if (content.length >= 2 || (words.length === 1 && words[0].length >= STEMMED_WORD)) this.stemPhrases.push({ words: content, entry });
        if (words.length === 1 && words[0].length >= COMPOUND_PART) this.parts.push({ word: words[0], entry });
      }
      this.phrases.set(key, list);
      this.longestFrom.set(words[0], Math.max(this.longestFrom.get(words[0]) ?? 0, words.length));
      // Typos are corrected toward names ("torellano"), and toward lexicon words only when long and
      // distinctive: "closer" is no typo of "closed".
      for (const w of words) {
        this.lexiconWords.add(w);
        if (w.length >= (lexicon ? TYPO_LEXICON_WORD : TYPO_NAME_WORD)) this.aliasWords.add(w);
      }
    }
  }

  /** Maps a word to the alias word it is a typo of, or returns it unchanged. */
  private correct(word: string): string {
    if (word.length < 5 || this.lexiconWords.has(word)) return word;
    const cached = this.corrections.get(word);
    if (cached !== undefined) return cached;
    const known = this.knownWords.has(word);
    let best = word;
    let bestDist = Infinity;
    for (const a of this.aliasWords) {
      // Real words only yield to long, distinctive alias words ("dentro" is not "centro").
      if (known && a.length < 8) continue;
      const tolerance = a.length >= 8 ? 2 : 1;
      if (Math.abs(a.length - word.length) > tolerance) continue;
      const d = distance(word, a);
      if (d <= tolerance && d < bestDist) {
        best = a;
        bestDist = d;
      }
    }
    if (this.corrections.size > 50_000) this.corrections.clear();
    this.corrections.set(word, best);
    return best;
  }

  /**
   * The entities of a message, and whether it is "bare": nothing but entity names and function
   * words ("y torrellano?", "the one in altabix", "Svenska"), i.e. an answer to a question. A topic
   * ("quants tràmits", "les meues dades") is a question of its own, never bare. Lexicon phrases
   * are found as written, inside a compound, or by their words' stems in any order.
   */
  extract(normalized: string, lang?: Lang, org?: string): { entities: Entities; bare: boolean; also?: Also } {
    const written = tokens(normalized);
    const words = written.map((w) => this.correct(w));
    const found: Entities = {};
    // "¿Torrellano y El Altet están abiertas?", "la cuarentena… ¿y el hisopo?": the places and services named after the first.
    const also: Also = {};
    const matched = new Array<boolean>(words.length).fill(false);
    let weak: Entry | undefined;
    let weakAt = -1;
    let orgAt = -1;
    const take = (e: Entry) => {
      // "Ha tornat a funcionar la web?": which services work is the weakest topic; another one named wins.
      if (e.type === 'topic' && found.topic && WEAK_TOPICS.has(found.topic) && !WEAK_TOPICS.has(e.id)) delete found.topic;
      if ((e.type === 'office' || e.type === 'health') && found[e.type] && found[e.type] !== e.id && !also[e.type]?.includes(e.id)) (also[e.type] ??= []).push(e.id);
      // "ah vale, entonces no, déjela": a no anywhere outweighs a yes (nothing is erased or sent on a doubt).
      if (e.type === 'answer' && e.id === 'no') found.answer = 'no';
      found[e.type] ??= e.id;
    };
    for (let i = 0; i < words.length; ) {
      let len = Math.min(this.longestFrom.get(words[i]) ?? 0, words.length - i);
      for (; len >= 1; len--) {
        const entries = this.phrases.get(words.slice(i, i + len).join(' '));
        if (!entries) continue;
        // "abito a Cantù" on the ATS's page is no typo of Elche's Francesc Cantó: an office of
        // another organisation than the conversation's is found only as written.
        const typo = written.slice(i, i + len).some((w, j) => w !== words[i + j]);
        for (const e of entries) {
          if (typo && org && e.org && e.org !== org) continue;
          // "como" is "how" in Spanish: there it names the office only beside "ATS".
          if (lang && e.notIn.includes(lang)) {
            if (!weak) [weak, weakAt] = [e, i];
          } else {
            if (e.type === 'organisation' && orgAt < 0) orgAt = i;
            take(e);
          }
        }
        break;
      }
      if (len > 0) matched.fill(true, i, i + len);
      else {
        const part = this.compoundPart(words[i]);
        if (part) {
          matched[i] = true;
          take(part);
        }
      }
      i += len || 1;
    }
    if (lang) this.byStems(words, lang, matched, take);
    // "ATS Insubria de Como" names the office; "¿Cómo contacto con ATS Insubria?" asks how.
    if (weak && !found[weak.type] && weak.org && found.organisation === weak.org && weakAt > orgAt) found[weak.type] = weak.id;
    // A topic or an open/closed word asks something of its own: "¿y la web?", "is plaza de crevillente open again".
    const bare = !found.topic && !found.state && words.every((w, i) => matched[i] || w.length <= 2 || this.functionWords.has(w));
    return { entities: found, bare: bare && Object.keys(found).length > 0, ...(Object.keys(also).length ? { also } : {}) };
  }

  /** The lexicon word a compound is made with: its first part ("adressändringsintyg") or its last, with an ending ("hälsouppgifterna", "hälsouppgifter"). */
  private compoundPart(word: string): Entry | undefined {
    if (word.length < COMPOUND_PART + 2) return undefined;
    for (const { word: part, entry } of this.parts) {
      if (part.length >= word.length) continue;
      if (word.startsWith(part)) return entry;
      // Its last part with another ending than the lexicon's: "hälsouppgifter" by "uppgifterna".
      const core = part.slice(0, Math.max(COMPOUND_PART, part.length - ENDING));
      const end = word.lastIndexOf(core);
      if (end > 0 && word.length - end - core.length <= ENDING) return entry;
    }
    return undefined;
  }

  /** Lexicon phrases found by their words' stems (within a few words of each other, in any order), where nothing was found as written. */
  private byStems(words: string[], lang: Lang, matched: boolean[], take: (e: Entry) => void): void {
    const index = this.stemIndex(lang);
    const stem = stemmerFor(lang);
    const stems = words.map((w) => stem(w));
    for (let i = 0; i < stems.length; i++) {
      for (const { stems: wanted, entry } of index.get(stems[i]) ?? []) {
        const span = wanted.length + 2;
        const at = wanted.map((s) => stems.findIndex((x, j) => x === s && Math.abs(j - i) <= span));
        if (at.some((j) => j < 0)) continue;
        if (lang && entry.notIn.includes(lang)) continue;
        for (const j of at) matched[j] = true;
        take(entry);
      }
    }
  }

  private stemIndex(lang: Lang): Map<string, { stems: string[]; entry: Entry }[]> {
    let index = this.stemmed.get(lang);
    if (index) return index;
    const stem = stemmerFor(lang);
    index = new Map();
    for (const { words, entry } of this.stemPhrases) {
      const stems = words.map((w) => stem(w));
      const list = index.get(stems[0]) ?? [];
      list.push({ stems, entry });
      index.set(stems[0], list);
    }
    this.stemmed.set(lang, index);
    return index;
  }
}
