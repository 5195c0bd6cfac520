import { distance } from 'fastest-levenshtein';
import { normalize, tokens } from './normalize.js';
import type { KnowledgeBase, Lang } from '../knowledge/schema.js';

/**
 * `scope: all` marks questions about every office ("which offices are open?"); `topic` a question
 * inside the question ("is my data safe?"); `health` the health service asked about; `answer` a
 * yes or no; `channel` the way of doing something asked about ("can I do it online?").
 */
export const LEXICONS = ['certificate', 'language', 'scope', 'topic', 'health', 'answer', 'channel'] as const;
export type LexiconType = (typeof LEXICONS)[number];
export type EntityType = 'office' | 'organisation' | LexiconType;
export type Entities = Partial<Record<EntityType, string>>;

interface Entry {
  type: EntityType;
  id: string;
  notIn: Lang[];
  /** The organisation of an office: its weak aliases count when the message names it. */
  org?: string;
}

/** "funcionen", "what works": a topic any other one named in the same message takes precedence over. */
const WEAKEST_TOPIC = 'working';

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
  private corrections = new Map<string, string>();
  /** Longer words that still only glue a follow-up together ("what about Altabix?"). */
  private functionWords: Set<string>;
  /** Short words that still ask something of their own ("dov'è", "när"). */
  private askingWords: Set<string>;

  /** @param knownWords words of ordinary text (the training examples): short ones are never "corrected". */
  constructor(
    kb: KnowledgeBase,
    lexicons: Partial<Record<LexiconType, Lexicon>>,
    private readonly knownWords: Set<string> = new Set(),
  ) {
    for (const o of kb.offices) this.addAll('office', o.id, [...o.aliases, ...Object.values(o.name)], o.organisation);
    for (const o of kb.organisations) this.addAll('organisation', o.id, [o.id, ...o.aliases, ...Object.values(o.name)]);
    const { followup = [], asks = [], ...scopes } = lexicons.scope ?? {};
    this.functionWords = new Set(followup.map(normalize));
    this.askingWords = new Set(asks.map(normalize));
    for (const type of LEXICONS) {
      for (const [id, words] of Object.entries((type === 'scope' ? scopes : lexicons[type]) ?? {})) this.addAll(type, id, words);
    }
  }

  private addAll(type: EntityType, id: string, aliases: Alias[], org?: string): void {
    for (const a of aliases) {
      const text = typeof a === 'string' ? a : a.text;
      const notIn = typeof a === 'string' ? [] : a.notIn;
      const words = tokens(normalize(text));
      if (words.length === 0) continue;
      const key = words.join(' ');
      const list = this.phrases.get(key) ?? [];
      if (!list.some((e) => e.type === type && e.id === id)) list.push({ type, id, notIn, org });
      this.phrases.set(key, list);
      this.longestFrom.set(words[0], Math.max(this.longestFrom.get(words[0]) ?? 0, words.length));
      for (const w of words) if (w.length >= 5) this.aliasWords.add(w);
    }
  }

  /** Maps a word to the alias word it is a typo of, or returns it unchanged. */
  private correct(word: string): string {
    if (word.length < 5 || this.aliasWords.has(word)) return word;
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
   * The entities of a message, and whether it is "bare": nothing but entity names and short
   * function words ("y torrellano?", "the one in altabix", "Svenska"), i.e. an answer to a question.
   * A topic ("quants tràmits", "les meues dades") is a question of its own, never bare.
   */
  extract(normalized: string, lang?: Lang): { entities: Entities; bare: boolean } {
    const words = tokens(normalized).map((w) => this.correct(w));
    const found: Entities = {};
    let weak: Entry | undefined;
    let weakAt = -1;
    let orgAt = -1;
    let bare = true;
    for (let i = 0; i < words.length; ) {
      let matched = 0;
      for (let len = Math.min(this.longestFrom.get(words[i]) ?? 0, words.length - i); len >= 1 && !matched; len--) {
        const entries = this.phrases.get(words.slice(i, i + len).join(' '));
        if (!entries) continue;
        for (const e of entries) {
          // "como" is "how" in Spanish: there it names the office only beside "ATS".
          if (lang && e.notIn.includes(lang)) {
            if (!weak) [weak, weakAt] = [e, i];
          } else {
            if (e.type === 'organisation' && orgAt < 0) orgAt = i;
            // "quants tràmits … el primer dia": a question inside the question asks something of its own.
            if (e.type === 'topic') bare = false;
            // "Ha tornat a funcionar la web?": which services work is the weakest topic; another one named wins.
            if (e.type === 'topic' && found.topic === WEAKEST_TOPIC) delete found.topic;
            found[e.type] ??= e.id;
          }
          matched = len;
        }
      }
      if (!matched && (words[i].length > 3 ? !this.functionWords.has(words[i]) : this.askingWords.has(words[i]))) bare = false;
      i += matched || 1;
    }
    // "ATS Insubria de Como" names the office; "¿Cómo contacto con ATS Insubria?" asks how.
    if (weak && !found[weak.type] && weak.org && found.organisation === weak.org && weakAt > orgAt) found[weak.type] = weak.id;
    return { entities: found, bare: bare && Object.keys(found).length > 0 };
  }
}
