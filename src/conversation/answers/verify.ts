import { localized } from '../../knowledge/knowledge.js';
import { checkContact, officialContacts, type Verdict } from '../contact-check.js';
import type { Organisation } from '../../knowledge/schema.js';
import type { FoundContact } from '../../nlu/contacts.js';
import { bullet, lines, nameValues, sentences, type AnswerContext } from '../context.js';
import type { Answer } from '../types.js';
import { contactLine, contactSentence, label, valueText } from './contacts.js';
import { suggestions } from './suggestions.js';

/** At most this many contacts of one message are checked (a pasted text may hold many). */
const CHECKED = 3;

const shown = (found: FoundContact) => (found.kind === 'link' ? found.hostname : found.value);

/** One verdict as sentences: yes, whose and what it is; a known scam, by name; or not one the bot knows. */
function said(ctx: AnswerContext, v: Verdict): string {
  const { t, lang, k } = ctx;
  const value = shown(v.found);
  if (v.verdict === 'scam') return t('verify.scam', { value, ...nameValues(lang, undefined, k.organisation(v.scam.org)) });
  if (v.verdict === 'official') {
    const spoof = v.found.kind === 'phone' ? 'verify.spoof_phone' : 'verify.spoof_email';
    return sentences(t('verify.official', nameValues(lang, undefined, v.org)), contactSentence(ctx, v.contact, v.org), t(spoof));
  }
  if (v.verdict === 'official_site') return t('verify.official_site', { value, ...nameValues(lang, undefined, v.org) });
  if (v.verdict === 'official_domain') return t('verify.official_domain', { value, domain: v.domain, ...nameValues(lang, undefined, v.org) });
  return ctx.org ? t('verify.unknown', { value, ...nameValues(lang, undefined, ctx.org) }) : t('verify.unknown_any', { value });
}

/** The official contacts to use instead: the organisation's, or, with none named, every one's; else where to look them up. */
function officialOnes(ctx: AnswerContext, org: Organisation | undefined): string | undefined {
  const { k, t, lang } = ctx;
  if (org) {
    const list = officialContacts(k, org);
    if (list.length > 0) return lines(t('verify.official_list', nameValues(lang, undefined, org)), ...list.map((c) => contactLine(ctx, c, org)));
    const site = localized(org.officialSite, lang);
    return sentences(t('verify.no_official', nameValues(lang, undefined, org)), site && t('verify.check_site', { site }));
  }
  const all = k.organisations.flatMap((o) => officialContacts(k, o).map((c) => bullet(`${localized(o.name, lang)} – ${label(ctx, c)}: ${valueText(ctx, c, o)}`)));
  return all.length > 0 ? lines(t('verify.official_list_all'), ...all) : undefined;
}

/**
 * "Me han llamado del … diciendo que son del Ayuntamiento", "è davvero la PEC dell'ATS?": each
 * number, address or link of the message checked against the official contacts and the scam list
 * staff keep; for any that is not official, never to give it personal or bank data, and the
 * official ones. Without one in the message: what to send, and the official ones.
 */
export async function verify(ctx: AnswerContext): Promise<Answer> {
  const { k, t } = ctx;
  const quickReplies = suggestions(ctx, ['help']);
  const found = (ctx.contacts ?? []).slice(0, CHECKED);
  if (found.length === 0) return { text: t('verify.ask'), next: lines(t('verify.never'), officialOnes(ctx, ctx.org)), quickReplies };
  // The store away: no warning by name, but nothing unknown is ever confirmed either.
  const scams = (await ctx.scams?.list().catch(() => [])) ?? [];
  const verdicts = found.map((f) => checkContact(k, f, scams));
  // The organisation it is about: the one named or talked about, else the one the contact belongs to or pretends to be.
  const of = verdicts.map((v) => (v.verdict === 'scam' ? k.organisation(v.scam.org) : v.verdict === 'unknown' ? undefined : v.org)).find(Boolean);
  ctx.org ??= of;
  const doubtful = verdicts.some((v) => v.verdict === 'scam' || v.verdict === 'unknown');
  return {
    text: sentences(...verdicts.map((v) => said(ctx, v))),
    next: doubtful ? lines(t('verify.never'), officialOnes(ctx, ctx.org)) : undefined,
    quickReplies,
  };
}
