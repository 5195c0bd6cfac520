import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Lang } from '../../src/knowledge/schema.js';
import { chatting } from '../support/helpers.js';

/**
 * The classes of defects of the native readers' review (issue #29), each on new wordings in all
 * five languages written by one native-speaking helper per language who had read only domain.md
 * (test/fixtures/class-wordings/<lang>.json), never the bot's code, texts or training data.
 */
interface Wordings {
  eraseCommand: string[];
  eraseIndirect: string[];
  notErase: string[];
  howQuestions: { text: string; org: string }[];
  channelQuestions: { text: string; org: string }[];
  healthQuestions: string[];
  topicAfterDetour: { org?: string; turns: string[] }[];
  complaints: string[];
  aboutBot: string[];
  gibberish: string[];
}

const LANGS: Lang[] = ['es', 'ca', 'it', 'sv', 'en'];
const wordings = Object.fromEntries(
  LANGS.map((lang) => [lang, JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../fixtures/class-wordings', `${lang}.json`), 'utf8')) as Wordings]),
) as Record<Lang, Wordings>;

const { session, ask, t, kept } = chatting('classes');
/** A reply that opens with a yes or a no ("Sí.", "No, …", "Nej,"): not "No sé…", "Non ho…", which say "I don't know". */
const YES_OR_NO = /^(sí|si|sì|yes|ja|no|nej)[.,!:]/i;
const ATS_CONTACTS = ['031/370.111', '0332/277.111', 'urp@ats-insubria.it'];

describe.each(LANGS)('%s: the classes of the review, on new wordings', (lang) => {
  const w = wordings[lang];

  it('an unmistakable command erases, or asks first; a yes to the question erases', async () => {
    for (const text of w.eraseCommand) {
      const s = session('erase');
      await ask(s, 'hola', { lang });
      const body = await ask(s, text);
      if (await kept(s)) {
        expect(body.reply.text, text).toBe(t(lang, 'forget.confirm'));
        await ask(s, body.reply.quickReplies[0].text);
      }
      expect(await kept(s), text).toBe(false);
    }
  });

  it('a vague or indirect wish never erases at once: the bot asks first, and a no keeps everything', async () => {
    for (const text of w.eraseIndirect) {
      const s = session('indirect');
      await ask(s, 'hola', { lang });
      const body = await ask(s, text);
      expect(await kept(s), text).toBe(true);
      if (body.reply.text === t(lang, 'forget.confirm')) {
        const no = await ask(s, body.reply.quickReplies[1].text);
        expect(no.reply.text, text).toBe(t(lang, 'forget.kept'));
        expect(await kept(s), text).toBe(true);
      }
    }
  });

  it('a question about data, or about cancelling something else, never erases', async () => {
    for (const text of w.notErase) {
      const s = session('not-erase');
      await ask(s, 'hola', { lang });
      await ask(s, text);
      expect(await kept(s), text).toBe(true);
    }
  });

  it('a how-question never opens with yes or no', async () => {
    for (const { text, org } of w.howQuestions) {
      const body = await ask(session('how'), text, { org });
      expect(body.reply.text, text).not.toMatch(YES_OR_NO);
    }
  });

  it('"no" about a way of doing things only from a fact: the only one the facts hold is Paiporta\'s "by appointment only"', async () => {
    for (const { text, org } of w.channelQuestions) {
      const body = await ask(session('channel'), text, { org });
      for (const channel of ['online', 'phone', 'in_person', 'remote', 'email']) {
        expect(body.reply.text, text).not.toContain(t(lang, 'channel.no', { channel: t(lang, `channel_words.${channel}`) }));
      }
      if (/^(no|nej)[.,!:]/i.test(body.reply.text) || body.reply.text.startsWith(t(lang, 'channel.no', { channel: '' }).slice(0, 8))) {
        expect(org, text).toBe('paiporta');
      }
    }
  });

  it('every answer about an ATS health service carries its contacts', async () => {
    for (const text of w.healthQuestions) {
      const body = await ask(session('health'), text, { org: 'ats-insubria' });
      expect(body.nlu.intent, text).toBe('health_services');
      expect(ATS_CONTACTS.some((c) => body.reply.text.includes(c)), `${text}\n${body.reply.text}`).toBe(true);
    }
  });

  it('a topic survives an unrelated turn: the follow-up is about it (or about its organisation\'s contacts)', async () => {
    for (const { org, turns } of w.topicAfterDetour) {
      const s = session('detour');
      const first = await ask(s, turns[0], org ? { org } : {});
      await ask(s, turns[1]);
      const third = await ask(s, turns[2]);
      expect([first.nlu.intent, 'appointment', 'contact_phone', 'contact_email'], turns.join(' / ')).toContain(third.nlu.intent);
      expect(third.nlu.entities.organisation, turns.join(' / ')).toBe(first.nlu.entities.organisation);
    }
  });

  // Learned (intents/acts/) from other wordings: measured, not certain. At least four of the six in
  // every language (the closing note gives the figures); none ever answered with a goodbye.
  it('a complaint or an insult gets an apology, never a "you\'re welcome"', async () => {
    const missed: string[] = [];
    for (const text of w.complaints) {
      const body = await ask(session('complaint'), text, { org: 'elche' });
      if (!body.reply.text.includes(t(lang, 'complaint.sorry'))) missed.push(text);
      expect(body.reply.text, text).not.toContain(t(lang, 'goodbye'));
    }
    expect(missed.length, missed.join(' | ')).toBeLessThanOrEqual(2);
  });

  it('"are you a robot?" gets an honest answer', async () => {
    const missed: string[] = [];
    for (const text of w.aboutBot) {
      const body = await ask(session('robot'), text, { lang });
      if (!body.reply.text.includes(t(lang, 'about_bot', { orgs_of: '' }).split(/[:–]/)[0])) missed.push(text);
    }
    expect(missed.length, missed.join(' | ')).toBeLessThanOrEqual(2);
  });

  it("keyboard mash gets what the bot can do, in the conversation's language, never a goodbye", async () => {
    for (const text of w.gibberish) {
      const s = session('mash');
      await ask(s, 'hola', { lang });
      const body = await ask(s, text);
      expect(body.lang, text).toBe(lang);
      expect([t(lang, 'fallback_unclear'), t(lang, 'fallback')], text).toContain(body.reply.text);
    }
  });
});
