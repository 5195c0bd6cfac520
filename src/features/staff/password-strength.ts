import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

/**
 * zxcvbn's score from 3 on ("safely unguessable": some 10^8 guesses or more) is required: the
 * commonest passwords ("Password123!", "qwerty123456", "iloveyou1234"), keyboard walks, repeats,
 * dates, common words and names, and the username itself score lower, whatever their length.
 */
export const MIN_SCORE = 3;

/** Only the first characters are scored: zxcvbn's matching grows fast with the length (a 256-character password took ~0.6 s). */
const SCORED_LENGTH = 64;

let checker: Promise<ZxcvbnFactory> | undefined;

/**
 * zxcvbn-ts (a maintained TypeScript port of Dropbox's zxcvbn, MIT) with its common dictionaries
 * (the most used passwords of public breaches, names, Wikipedia words) and the English and Spanish
 * ones. Loaded at the first password set (its dictionaries take ~0.4 s and some 40 MB): logins never need it.
 */
async function load(): Promise<ZxcvbnFactory> {
  const [{ ZxcvbnFactory }, common, en, es] = await Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-en'),
    import('@zxcvbn-ts/language-es-es'),
  ]);
  return new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary, ...es.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
    maxLength: SCORED_LENGTH,
  });
}

/**
 * Why a password is too easy to guess, in zxcvbn's words; undefined when it is not.
 * @param context words that make it easier for someone who knows the account (its username, organisations)
 */
export async function weakness(password: string, context: string[]): Promise<string | undefined> {
  const zxcvbn = await (checker ??= load());
  const { score, feedback } = zxcvbn.check(password, [...context, 'civic', 'chatbot', 'staff', 'admin']);
  if (score >= MIN_SCORE) return undefined;
  const why = [feedback.warning, ...feedback.suggestions].filter(Boolean).join(' ');
  return `The password is too easy to guess (it is common, or made of common words, names, dates or patterns)${why ? `: ${why}` : ''}`;
}
