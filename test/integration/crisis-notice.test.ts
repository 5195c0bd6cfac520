import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startTelegram, type TelegramChannel } from '../../src/features/telegram/index.js';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import { FakeBotApi } from '../support/fake-bot-api.js';
import { postChat, testConfig } from '../support/helpers.js';
import { addStaff, bearer, logIn, withSession } from '../support/staff.js';

const TOKEN = 'crisis-notice-admin-token-0123456789';
const api = new FakeBotApi();
let bot: ChatCore;
let app: FastifyInstance;
let channel: TelegramChannel;

beforeAll(async () => {
  const config = testConfig({ ADMIN_TOKEN: TOKEN, TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_API_ROOT: await api.start() });
  bot = await assemble(config);
  app = buildApp({ bot, adminToken: TOKEN });
  channel = await startTelegram(bot, config, app, pino({ level: 'silent' }));
  await app.ready();
  await addStaff(app, TOKEN, { username: 'ana', role: 'editor', orgs: ['paiporta'] });
  await addStaff(app, TOKEN, { username: 'vera', role: 'viewer', orgs: ['paiporta'] });
});
afterAll(async () => {
  await channel?.stop();
  await app?.close();
  await bot?.close();
  await api.close();
});
afterEach(() => {
  vi.useRealTimers();
});

const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
const put = (headers: Record<string, string>, org: string, payload: object) => app.inject({ method: 'PUT', url: `/api/admin/organisations/${org}/notice`, headers, payload });
const end = (headers: Record<string, string>, org: string) => app.inject({ method: 'DELETE', url: `/api/admin/organisations/${org}/notice`, headers });
const get = (headers: Record<string, string>, org: string) => app.inject({ method: 'GET', url: `/api/admin/organisations/${org}/notice`, headers });

let conversations = 0;
/** The first reply of a new web conversation. */
async function firstReply(text: string, lang?: string, org?: string): Promise<{ text: string; name: string }> {
  const name = `notice-${++conversations}`;
  const res = await postChat(app, { sessionId: name, text, ...(lang ? { lang } : {}), ...(org ? { org } : {}) });
  expect(res.statusCode, res.body).toBe(200);
  return { text: res.json().reply.text, name };
}
const reply = async (name: string, text: string) => (await postChat(app, { sessionId: name, text })).json().reply.text as string;

const ES = 'Las OMAC atienden solo con cita previa hasta nuevo aviso.';
const CA = 'Les OMAC atenen només amb cita prèvia fins a nou avís.';

describe('a crisis notice', () => {
  it('opens the first reply of each new conversation about the organisation, in all five languages, once', async () => {
    const set = await put(bearer(TOKEN), 'elche', { text: { es: ES, ca: CA }, until: inHours(2) });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().notice).toMatchObject({ org: 'elche', by: 'api-token', text: { es: ES, ca: CA }, stale: [] });

    const questions: Record<string, [string, string]> = {
      es: ['¿Está abierta la OMAC de Torrellano?', `Aviso importante del Ayuntamiento de Elche: ${ES}`],
      ca: ["Està oberta l'OMAC de Torrellano?", `Avís important de l'Ajuntament d'Elx: ${CA}`],
      it: ["L'OMAC di Torrellano è aperta?", `Avviso importante del Comune di Elche (in spagnolo): ${ES}`],
      sv: ['Har OMAC Torrellano öppet?', `Viktigt meddelande från Elche kommun (på spanska): ${ES}`],
      en: ['Is the OMAC in Torrellano open?', `Important notice from Elche City Council (in Spanish): ${ES}`],
    };
    for (const [lang, [question, notice]] of Object.entries(questions)) {
      // Named in the message: the conversation is about Elche from its first reply.
      const first = await firstReply(question, lang);
      expect(first.text.startsWith(`${notice}\n\n`), `${lang}: ${first.text}`).toBe(true);
      expect(await reply(first.name, question), lang).not.toContain(notice);
      // By the entry point (the widget's data-org): the greeting starts with it too.
      expect((await firstReply(lang === 'sv' ? 'Hej' : 'Hola', lang, 'elche')).text.startsWith(notice), lang).toBe(true);
    }
    // Another organisation's conversation: no notice.
    expect((await firstReply('¿Cómo pido cita previa en Paiporta?', 'es')).text).not.toContain(ES);
  });

  it('shows in a conversation once it names the organisation, and ends by itself at its end (clock moved)', async () => {
    await put(bearer(TOKEN), 'elche', { text: { es: ES }, until: inHours(1) });
    const { text, name } = await firstReply('Hola', 'es');
    expect(text).not.toContain(ES);
    expect(await reply(name, '¿Está abierta la OMAC de El Altet?')).toMatch(new RegExp(`^Aviso importante del Ayuntamiento de Elche: ${ES}\n\n`));

    const banner = await app.inject({ method: 'GET', url: '/api/chat/notices?org=elche&lang=sv' });
    expect(banner.json()).toEqual({ notices: [{ org: 'elche', text: `Viktigt meddelande från Elche kommun (på spanska): ${ES}`, until: expect.any(String) }] });

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 3_600_000 + 1000);
    for (const lang of ['es', 'ca', 'it', 'sv', 'en']) expect((await firstReply('¿Está abierta la OMAC de El Altet?', lang, 'elche')).text, lang).not.toContain('OMAC atienden solo');
    expect((await app.inject({ method: 'GET', url: '/api/chat/notices?org=elche' })).json()).toEqual({ notices: [] });
    expect((await get(bearer(TOKEN), 'elche')).json()).toEqual({ notice: null });
    expect((await end(bearer(TOKEN), 'elche')).statusCode).toBe(404);
  });

  it('is set and ended by staff of the organisation only, with CSRF, refused with the problem named, and logged', async () => {
    const ana = await logIn(app, 'ana');
    const vera = await logIn(app, 'vera');
    const text = { es: 'Atención telefónica y sede electrónica solamente.' };
    expect((await put(withSession(ana), 'elche', { text, until: inHours(1) })).statusCode).toBe(403);
    expect((await put(withSession(vera), 'paiporta', { text, until: inHours(1) })).statusCode).toBe(403);
    expect((await put(withSession(ana, null), 'paiporta', { text, until: inHours(1) })).statusCode).toBe(403);
    expect((await put(withSession(ana, 'wrong'), 'paiporta', { text, until: inHours(1) })).statusCode).toBe(403);
    const refused = [
      [{ text, until: inHours(-1) }, 'past'],
      [{ text, until: '2026-12-24T20:00' }, 'offset'],
      [{ text, until: inHours(24 * 91) }, '90 days'],
      [{ text: { es: '  ' }, until: inHours(1) }, 'at least one language'],
      [{ text: { fr: 'Bonjour' }, until: inHours(1) }, 'no language fr'],
      [{ text, until: inHours(1), extra: 1 }, 'extra'],
    ] as const;
    for (const [payload, problem] of refused) {
      const res = await put(withSession(ana), 'paiporta', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().message).toContain(problem);
    }
    expect((await put(bearer(TOKEN), 'nowhere', { text, until: inHours(1) })).statusCode).toBe(404);
    expect((await get(bearer(TOKEN), 'paiporta')).json()).toEqual({ notice: null }); // nothing refused was kept

    const ok = await put(withSession(ana), 'paiporta', { text, until: inHours(3) });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await get(withSession(vera), 'paiporta')).json().notice).toMatchObject({ text, by: 'ana' });
    expect((await get(withSession(vera), 'elche')).statusCode).toBe(403);
    expect((await end(withSession(vera), 'paiporta')).statusCode).toBe(403);
    const ended = await end(withSession(ana), 'paiporta');
    expect(ended.statusCode).toBe(200);
    expect(ended.json().ended.text).toEqual(text);
    expect((await end(withSession(ana), 'paiporta')).statusCode).toBe(404);

    const mine = (await app.inject({ method: 'GET', url: '/api/admin/notice-log', headers: withSession(ana) })).json().entries;
    expect(mine.map((e: { actor: string; action: string; org: string }) => `${e.actor} ${e.action} ${e.org}`)).toEqual(['ana end paiporta', 'ana set paiporta']);
    expect(mine[0].before).toMatchObject({ text });
    const all = (await app.inject({ method: 'GET', url: '/api/admin/notice-log', headers: bearer(TOKEN) })).json().entries;
    expect(all.filter((e: { org: string }) => e.org === 'elche').length).toBeGreaterThanOrEqual(2);
  });

  it('marks a language written before another language changed, and serves the changed one until it is updated', async () => {
    const first = await put(bearer(TOKEN), 'paiporta', { text: { es: 'La Oficina Única atiende por teléfono.', ca: "L'Oficina Única atén per telèfon." }, until: inHours(2) });
    expect(first.json().notice.stale).toEqual([]);
    const changed = 'La Oficina Única atiende por teléfono y con cita previa.';
    const second = await put(bearer(TOKEN), 'paiporta', { text: { es: changed, ca: "L'Oficina Única atén per telèfon." }, until: inHours(2) });
    expect(second.json().notice.stale).toEqual(['ca']);
    expect((await firstReply("Com demane cita prèvia a l'Ajuntament de Paiporta?", 'ca')).text).toMatch(new RegExp(`^Avís important de l'Ajuntament de Paiporta \\(en castellà\\): ${changed}\n\n`));
    // Updated: current again. A language added later (a translation) makes nobody stale.
    const updated = "L'Oficina Única atén per telèfon i amb cita prèvia.";
    const third = await put(bearer(TOKEN), 'paiporta', { text: { es: changed, ca: updated, en: 'The Oficina Única serves by phone and by appointment.' }, until: inHours(2) });
    expect(third.json().notice.stale).toEqual([]);
    expect((await firstReply("Com demane cita prèvia a l'Ajuntament de Paiporta?", 'ca')).text).toMatch(new RegExp(`^Avís important de l'Ajuntament de Paiporta: ${updated}`));
    await end(bearer(TOKEN), 'paiporta');
  });

  it("shows on Telegram's /start: the deep link's organisation, or every notice in force", async () => {
    await put(bearer(TOKEN), 'elche', { text: { es: ES }, until: inHours(1) });
    api.message(3101, '/start', 'en');
    const [greeting] = await api.waitFor((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === 3101);
    expect(String(greeting.payload.text).startsWith(`Important notice from Elche City Council (in Spanish): ${ES}\n\n`)).toBe(true);
    api.message(3102, '/start paiporta', 'es');
    const [other] = await api.waitFor((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === 3102);
    expect(String(other.payload.text)).not.toContain(ES);
    api.message(3103, '/start elche', 'es');
    const sent = await api.waitFor((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === 3103, 2);
    expect(String(sent[0].payload.text).startsWith(`Aviso importante del Ayuntamiento de Elche: ${ES}`)).toBe(true);
    expect(String(sent[1].payload.text)).not.toContain(ES); // the language buttons that follow: once is enough
  });
});
