import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startTelegram, type TelegramChannel } from '../../src/features/telegram/index.js';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import { FakeBotApi } from '../support/fake-bot-api.js';
import { testConfig } from '../support/helpers.js';
import { addStaff, bearer, logIn, withSession } from '../support/staff.js';
import { webInbox } from '../../src/features/webchat/inbox.js';

const TOKEN = 'announce-admin-token-0123456789';
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
});
afterAll(async () => {
  await channel?.stop();
  await app?.close();
  await bot?.close();
  await api.close();
});

const telegram = (id: number) => ({ channel: 'telegram' as const, id: String(id) });
const announce = (headers: Record<string, string>, payload: object) => app.inject({ method: 'POST', url: '/api/admin/announcements', headers, payload });
const TEXT = 'Texto de prueba del aviso.';

describe('announcements', () => {
  it("reach each subscriber of an organisation once, in its language or marked as the organisation's", async () => {
    await bot.subscriptions.add('elche-el-altet', telegram(2001), 'es');
    await bot.subscriptions.add('elche-torrellano', telegram(2001), 'es'); // two offices, one notice
    await bot.subscriptions.add('elche-el-altet', telegram(2002), 'sv');
    await bot.subscriptions.add('elche-centro', telegram(2003), 'ca');
    await bot.subscriptions.add('elche-centro', { channel: 'web', id: 'web-announce' }, 'it');
    await bot.subscriptions.add('paiporta-oficina-unica', telegram(2004), 'es'); // another organisation: none

    const res = await announce(bearer(TOKEN), { org: 'elche', texts: { es: TEXT, ca: '' } });
    expect(res.statusCode).toBe(201);
    expect(res.json().announcement).toMatchObject({ org: 'elche', by: 'api-token', recipients: 4, texts: { es: TEXT } });

    const sent = await api.waitFor((c) => c.method === 'sendMessage' && [2001, 2002, 2003].includes(Number(c.payload.chat_id)) && c.status === 200, 3);
    await bot.notifier.drain();
    await new Promise((r) => setTimeout(r, 200));
    for (const chat of [2001, 2002, 2003]) expect(api.sent(chat), `chat ${chat}`).toHaveLength(1);
    expect(api.sent(2004)).toHaveLength(0);
    const text = (chat: number) => String(sent.find((c) => Number(c.payload.chat_id) === chat)!.payload.text);
    expect(text(2001)).toBe(`Aviso del Ayuntamiento de Elche:\n${TEXT}`);
    expect(text(2002)).toBe(`Meddelande från Elche kommun:\nMeddelande på spanska: ${TEXT}`);
    expect(text(2003)).toBe(`Avís de l'Ajuntament d'Elx:\nMissatge en castellà: ${TEXT}`);
    const web = await webInbox(bot.stores.inbox).takeNotifications('web-announce');
    expect(web).toEqual([`Avviso del Comune di Elche:\nMessaggio in spagnolo: ${TEXT}`]);

    const list = (await app.inject({ method: 'GET', url: '/api/admin/announcements', headers: bearer(TOKEN) })).json().announcements;
    expect(list).toEqual([expect.objectContaining({ id: res.json().announcement.id, recipients: 4, reached: 4 })]);
  });

  it("to one office, by an editor of its organisation; another organisation's is a 403 and nothing is sent", async () => {
    await addStaff(app, TOKEN, { username: 'ana', role: 'editor', orgs: ['paiporta'] });
    await addStaff(app, TOKEN, { username: 'vera', role: 'viewer', orgs: ['paiporta'] });
    const ana = await logIn(app, 'ana');
    const before = api.callsOf('sendMessage').length;
    for (const payload of [{ org: 'elche', texts: { es: TEXT } }, { office: 'elche-centro', texts: { es: TEXT } }]) {
      expect((await announce(withSession(ana), payload)).statusCode).toBe(403);
    }
    expect((await announce(withSession(await logIn(app, 'vera')), { office: 'paiporta-oficina-unica', texts: { es: TEXT } })).statusCode).toBe(403);
    expect((await announce(withSession(ana, null), { office: 'paiporta-oficina-unica', texts: { es: TEXT } })).statusCode).toBe(403);
    for (const payload of [{ texts: { es: TEXT } }, { org: 'paiporta', office: 'paiporta-oficina-unica', texts: { es: TEXT } }, { org: 'paiporta', texts: { es: '  ' } }, { org: 'paiporta', texts: { fr: TEXT } }]) {
      expect((await announce(withSession(ana), payload)).statusCode, JSON.stringify(payload)).toBe(400);
    }
    await bot.notifier.drain();
    expect(api.callsOf('sendMessage').length).toBe(before);

    const ok = await announce(withSession(ana), { office: 'paiporta-oficina-unica', texts: { es: TEXT } });
    expect(ok.statusCode).toBe(201);
    const [notice] = await api.waitFor((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === 2004 && c.status === 200);
    expect(String(notice.payload.text)).toBe(`Aviso sobre Oficina Única de Paiporta:\n${TEXT}`);
    const mine = (await app.inject({ method: 'GET', url: '/api/admin/announcements', headers: withSession(ana) })).json().announcements;
    expect(mine.map((a: { by: string; office: string }) => `${a.by} ${a.office}`)).toEqual(['ana paiporta-oficina-unica']);
  });
  it("sends a language written before another language's last change as that one's text, marked, and lists it as stale", async () => {
    await bot.subscriptions.add('elche-altabix', telegram(2101), 'ca');
    await bot.subscriptions.add('elche-altabix', telegram(2102), 'es');
    const es = "L'OMAC d'Altabix atiende hoy también por la tarde.";
    const ca = "L'OMAC d'Altabix atén hui només de matí.";
    const written = { ca: '2026-12-07T09:00:00Z', es: '2026-12-07T09:05:00Z' };
    const payload = { office: 'elche-altabix', texts: { es, ca }, written };
    const preview = (await app.inject({ method: 'POST', url: '/api/admin/announcements/preview', headers: bearer(TOKEN), payload })).json();
    expect(preview.notices.ca).toBe(`Avís sobre OMAC Altabix:\nMissatge en castellà: ${es}`);
    const res = await announce(bearer(TOKEN), payload);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().announcement).toMatchObject({ written, stale: ['ca'] });
    const sent = await api.waitFor((c) => c.method === 'sendMessage' && [2101, 2102].includes(Number(c.payload.chat_id)) && c.status === 200, 2);
    const text = (chat: number) => String(sent.find((c) => Number(c.payload.chat_id) === chat)!.payload.text);
    expect(text(2101)).toBe(`Avís sobre OMAC Altabix:\nMissatge en castellà: ${es}`);
    expect(text(2102)).toBe(`Aviso sobre OMAC Altabix:\n${es}`);
    const listed = (await app.inject({ method: 'GET', url: '/api/admin/announcements', headers: bearer(TOKEN) })).json().announcements[0];
    expect(listed).toMatchObject({ id: res.json().announcement.id, stale: ['ca'] });
    // A time for a language without a text, or not a time: refused, nothing sent.
    for (const bad of [{ ...payload, written: { it: '2026-12-07T09:00:00Z' } }, { ...payload, written: { es: 'yesterday' } }]) {
      const refused = await announce(bearer(TOKEN), bad);
      expect(refused.statusCode, JSON.stringify(bad)).toBe(400);
      expect(refused.json().message).toContain('written');
    }
  });
});
