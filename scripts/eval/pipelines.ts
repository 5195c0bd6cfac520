import { IntentModel } from '../../src/nlu/intent.js';
import { NgramEncoder, type NgramOptions } from '../../src/nlu/encoders/ngram.js';
import { stemmerFor, type Stem } from '../../src/nlu/stemmer.js';

/** A choice of features the evaluation tries on a foreign corpus (production uses the first). */
export interface Pipeline {
  name: string;
  /** Word unigrams and bigrams beside the character n-grams. */
  words: boolean;
  /**
   * Character n-grams of each word's Snowball stem instead of the word: stems help on a few
   * examples per intent in inflected languages, words on typo-ridden chat.
   */
  stems: boolean;
}

export const PIPELINES: Pipeline[] = [
  { name: 'words + chars of words', words: true, stems: false },
  { name: 'words + chars of stems', words: true, stems: true },
  { name: 'chars of words', words: false, stems: false },
  { name: 'chars of stems', words: false, stems: true },
];

/** The n-gram encoder with the character n-grams of each word's stem (the word n-grams stay the words'). */
class StemmedNgramEncoder extends NgramEncoder {
  constructor(
    opts: Partial<NgramOptions>,
    private readonly stem: Stem,
  ) {
    super(opts);
  }

  protected override chars(text: string, start: number, end: number, emit: (h: number) => void): void {
    const stemmed = this.stem(text.slice(start, end));
    super.chars(stemmed, 0, stemmed.length, emit);
  }
}

/** The intent model of a pipeline, trained on texts of one language (`lang`: for the stemmer). */
export function trainPipeline(texts: string[], labels: string[], lang: string, { words, stems }: Omit<Pipeline, 'name'>): IntentModel {
  const encoder = stems ? new StemmedNgramEncoder({ words }, stemmerFor(lang)) : new NgramEncoder({ words });
  return IntentModel.train(texts, labels, encoder);
}
