import type { ChatCore } from '../../src/app/chat-core.js';
import { nameValues } from '../../src/conversation/context.js';
import { statusLine } from '../../src/conversation/answers/status.js';
import type { Lang } from '../../src/knowledge/schema.js';

/** What the core answers to an intent named outright (a command), in a language: the reference for a channel's reply. */
export async function coreAnswer(core: ChatCore, intent: string, lang: Lang, org?: string): Promise<string> {
  return (await core.chat({ sessionId: `reference-${intent}-${lang}-${Math.random()}`, text: '', channel: 'cli', intent, lang, org })).reply.text;
}

/** The interpolation values naming an office (and its organisation) in a language, as the answers use them. */
export function officeNames(core: ChatCore, officeId: string, lang: Lang): Record<string, string> {
  const office = core.knowledge.office(officeId)!;
  return nameValues(lang, office, core.knowledge.organisation(office.organisation));
}

/** The first sentence about an office's status, as the answers and notices give it. */
export function statusText(core: ChatCore, officeId: string, lang: Lang): string {
  return statusLine({ k: core.knowledge, t: core.texts.t(lang), lang }, core.knowledge.office(officeId)!);
}

/** The web chat's confirmation of a new subscription: the subscription's lifetime follows it. */
export function webSubscribed(core: ChatCore, officeId: string, lang: Lang): string {
  const t = core.texts.t(lang);
  return `${t('subscribe.done', officeNames(core, officeId, lang))} ${t('subscribe.expires', { count: core.config.WEB_SUBSCRIPTION_DAYS })}`;
}
