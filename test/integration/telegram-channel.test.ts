import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import { startTelegram, type TelegramChannel } from '../../src/features/telegram/index.js';
import { localized } from '../../src/knowledge/knowledge.js';
import { FakeBotApi, type ApiCall } from '../support/fake-bot-api.js';
import { handoffKnowledge } from '../support/handoff-kb.js';
import { say, testConfig } from '../support/helpers.js';
import { bearer } from '../support/staff.js';

/**
 * An organisation that names a Telegram channel in its knowledge base: each status change of its
 * offices and services is posted there once, in its language, through the notification queue,
 * against a local Bot API server.
 */
const TOKEN = 'channel-admin-token-0123456789';
const CHANNEL = '@ats_insubria_test';
const api = new FakeBotApi();
let bot: ChatCore;
let app: FastifyInstance;
let channel: TelegramChannel;

beforeAll(async () => {
  const dir = handoffKnowledge({ 'ats-insubria': { telegramChannel: CHANNEL } });
  const config = testConfig({ KNOWLEDGE_DIR: dir, ADMIN_TOKEN: TOKEN, TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_API_ROOT: await api.start() });
  bot = await assemble(config);
  app = buildApp({ bot, adminToken: TOKEN });
  await app.ready();
  channel = await startTelegram(bot, config, app, pino({ level: 'silent' }));
});
afterAll(async () => {
  await channel?.stop();
  await app?.close();
  await bot?.close();
  await api.close();
});

const posts = () => api.callsOf('sendMessage').filter((c) => c.payload.chat_id === CHANNEL);
const textOf = (c: ApiCall) => String(c.payload.text);
const patch = (url: string, payload: object) => app.inject({ method: 'PATCH', url, headers: bearer(TOKEN), payload });
/** Lets the queue deliver what it can, then a little longer: a second post would show by then. */
const settle = async () => {
  await bot.notifier.drain();
  await new Promise((r) => setTimeout(r, 200));
  await bot.notifier.drain();
};

describe("an organisation's Telegram channel", () => {
  it("gets one post per change of its services and offices, in the organisation's language", async () => {
    const t = bot.texts.t('it');
    const website = localized(bot.knowledge.serviceById('ats-insubria-website')!.name, 'it');
    expect((await patch('/api/admin/services/ats-insubria-website', { status: 'available', note: { it: 'Il sito è di nuovo raggiungibile.' } })).statusCode).toBe(200);
    const [first] = await api.waitFor((c) => c.method === 'sendMessage' && c.payload.chat_id === CHANNEL);
    expect(textOf(first)).toContain(t('notify.changed', { office: website }));
    expect(textOf(first)).toContain('Il sito è di nuovo raggiungibile.');

    expect((await patch('/api/admin/offices/ats-insubria-varese', { status: 'closed' })).statusCode).toBe(200);
    await api.waitFor((c) => c.method === 'sendMessage' && c.payload.chat_id === CHANNEL, 2);
    await settle();
    const all = posts();
    expect(all).toHaveLength(2);
    expect(textOf(all[1])).toContain(t('notify.changed', { office: localized(bot.knowledge.office('ats-insubria-varese')!.name, 'it') }));
  });

  it('is told once even when a subscriber shares the change, and nothing of another organisation', async () => {
    const before = posts().length;
    // A citizen on Telegram subscribed to the same service: one message each (a notice goes to the subscription's id, a string).
    api.message(4242, 'Avvisami quando cambia il sito istituzionale dell’ATS Insubria', 'it');
    await api.waitFor((c) => c.method === 'sendMessage' && String(c.payload.chat_id) === '4242');
    expect(await bot.subscriptions.count('ats-insubria-website')).toBe(1);
    await patch('/api/admin/services/ats-insubria-website', { status: 'limited' });
    await patch('/api/admin/services/paiporta-e-office', { status: 'limited' }); // Paiporta names no channel
    await api.waitFor((c) => c.method === 'sendMessage' && c.payload.chat_id === CHANNEL, before + 1);
    await api.waitFor((c) => c.method === 'sendMessage' && String(c.payload.chat_id) === '4242', 2);
    await settle();
    expect(posts()).toHaveLength(before + 1);
    expect(api.callsOf('sendMessage').filter((c) => String(c.payload.chat_id) === '4242')).toHaveLength(2);
  });

  it('takes any text of the organisation to post (a crisis notice), once; an organisation without a channel posts nothing', async () => {
    const before = posts().length;
    expect(await bot.notifier.post('ats-insubria', { it: 'Attenzione alle telefonate sospette.', en: 'Beware of suspicious calls.' })).toBe(true);
    expect(await bot.notifier.post('paiporta', { es: 'Aviso' })).toBe(false);
    const [post] = (await api.waitFor((c) => c.method === 'sendMessage' && c.payload.chat_id === CHANNEL, before + 1)).slice(-1);
    expect(textOf(post)).toContain('Attenzione alle telefonate sospette.');
    expect(textOf(post)).toContain(bot.texts.t('it')('notify.announcement', { org_of: "dell'ATS Insubria" }));
    await settle();
    expect(posts()).toHaveLength(before + 1);
    // No citizen got it.
    expect(api.callsOf('sendMessage').filter((c) => String(c.payload.chat_id) === '4242').map(textOf).join('\n')).not.toContain('telefonate sospette');
    // And the chat still answers.
    expect((await say(app, 'after-posts', 'Is the ATS Insubria website back?', 'en')).reply.text).toContain("ATS Insubria's website");
  });

  it('gets each crisis notice set for the organisation once, headed as a conversation shows it; a stale language is posted as the changed one; an end posts nothing', async () => {
    const t = bot.texts.t('it');
    const before = posts().length;
    const notice = (payload: object) => app.inject({ method: 'PUT', url: '/api/admin/organisations/ats-insubria/notice', headers: bearer(TOKEN), payload });
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const IT = "Diffidate di chi telefona a nome dell'ATS: non chiediamo mai dati personali o bancari.";
    const EN = 'Beware of calls in the name of the ATS: we never ask for personal or bank details.';
    expect((await notice({ text: { it: IT, en: EN }, until })).statusCode).toBe(200);
    const [first] = (await api.waitFor((c) => c.method === 'sendMessage' && c.payload.chat_id === CHANNEL, before + 1)).slice(-1);
    expect(textOf(first)).toBe(t('crisis.notice', { org_of: "dell'ATS Insubria", text: IT }));
    // Changed in English only: the Italian text, written before, is stale; the channel gets the English one, marked.
    const EN2 = 'Beware of calls and emails in the name of the ATS: we never ask for personal or bank details.';
    const changed = await notice({ text: { it: IT, en: EN2 }, until });
    expect(changed.json().notice.stale).toEqual(['it']);
    const [second] = (await api.waitFor((c) => c.method === 'sendMessage' && c.payload.chat_id === CHANNEL, before + 2)).slice(-1);
    expect(textOf(second)).toBe(t('crisis.notice_in', { org_of: "dell'ATS Insubria", language: t('note_language.en'), text: EN2 }));
    // Ended: nothing more; another organisation's notice (Paiporta names no channel): nothing here.
    expect((await app.inject({ method: 'DELETE', url: '/api/admin/organisations/ats-insubria/notice', headers: bearer(TOKEN) })).statusCode).toBe(200);
    const paiporta = await app.inject({ method: 'PUT', url: '/api/admin/organisations/paiporta/notice', headers: bearer(TOKEN), payload: { text: { es: 'Aviso de prueba.' }, until } });
    expect(paiporta.statusCode).toBe(200);
    await settle();
    expect(posts()).toHaveLength(before + 2);
    expect(api.callsOf('sendMessage').map(textOf).join('\n')).not.toContain('Aviso de prueba.');
  });
});
