import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import type { Address } from '../../src/domain/types.js';
import { officeStatus } from '../../src/conversation/answers/status.js';
import { say, sessionOf, startApp } from '../support/helpers.js';
import { bearer } from '../support/staff.js';

// A status change seen before it reaches citizens, a note that belongs to its status, and the
// last change undone within ten minutes: through the admin API, on the sample knowledge base.

const TOKEN = 'preview-admin-token-0123456789';
const ALTET = 'elche-el-altet';
const TORRELLANO = 'elche-torrellano';
const LANGS = ['es', 'ca', 'it', 'sv', 'en'];
let bot: ChatCore;
let app: FastifyInstance;

beforeAll(async () => {
  ({ bot, app } = await startApp({ ADMIN_TOKEN: TOKEN }));
});
afterAll(async () => {
  await app?.close();
  await bot?.close();
});
afterEach(() => {
  vi.useRealTimers();
});

const call = (method: 'PATCH' | 'POST' | 'GET', url: string, payload?: object) => app.inject({ method, url, headers: bearer(TOKEN), ...(payload ? { payload } : {}) });
const notices = async (name: string): Promise<string[]> => (await app.inject({ method: 'GET', url: `/api/chat/${sessionOf(name)}/notifications` })).json().notifications;
const audit = async () => (await call('GET', '/api/admin/audit')).json().entries as { office: string; change?: string; undoes?: string; actor: string }[];

describe('a note belongs to its status', () => {
  it('a new status without a note clears the note; the same status keeps it; a note given with the status is kept', async () => {
    expect((await call('PATCH', `/api/admin/offices/${TORRELLANO}`, { status: 'open', note: { es: 'Reabierta a las 9:00' } })).statusCode).toBe(200);
    expect(bot.knowledge.office(TORRELLANO)!.notes.es).toBe('Reabierta a las 9:00');
    // Only the expected reopening changes: the note stays.
    await call('PATCH', `/api/admin/offices/${TORRELLANO}`, { expectedReopening: '' });
    expect(bot.knowledge.office(TORRELLANO)!.notes.es).toBe('Reabierta a las 9:00');
    // The same status again: the note stays.
    await call('PATCH', `/api/admin/offices/${TORRELLANO}`, { status: 'open' });
    expect(bot.knowledge.office(TORRELLANO)!.notes.es).toBe('Reabierta a las 9:00');

    const res = await call('PATCH', `/api/admin/offices/${TORRELLANO}`, { status: 'reopening' });
    expect(res.statusCode).toBe(200);
    expect(Object.values(res.json().office.notes).filter((n) => n)).toEqual([]);
    const answer = (await say(app, 'note-es', '¿Está abierta la OMAC de Torrellano?', 'es')).reply.text;
    expect(answer).not.toContain('Reabierta');

    // Kept on purpose: sent again with the new status.
    await call('PATCH', `/api/admin/offices/${TORRELLANO}`, { status: 'open', note: { es: 'Abierta desde las 9:00' } });
    await call('PATCH', `/api/admin/offices/${TORRELLANO}`, { status: 'limited', note: { es: 'Abierta desde las 9:00' } });
    expect(bot.knowledge.office(TORRELLANO)!.notes.es).toBe('Abierta desde las 9:00');
  });
});

describe('the preview of a status change', () => {
  it("returns each language's answer and notice, and the subscribers by channel and language, saving nothing", async () => {
    // Two web subscribers (Spanish, Valencian) and one on Telegram (Italian).
    await say(app, 'preview-es', 'Avísame cuando abra la OMAC de El Altet', 'es');
    await say(app, 'preview-ca', "Avisa'm quan òbriga l'OMAC de l'Altet", 'ca');
    await bot.subscriptions.add(ALTET, { channel: 'telegram', id: '4242' }, 'it');
    const before = bot.knowledge.office(ALTET);
    const entries = (await audit()).length;

    const res = await call('POST', `/api/admin/offices/${ALTET}/preview`, { status: 'open', note: { es: 'Reabierta tras las actualizaciones de seguridad.' } });
    expect(res.statusCode).toBe(200);
    const preview = res.json();
    expect(preview.subscribers).toEqual({ total: 3, channels: { web: 2, telegram: 1 }, langs: { es: 1, ca: 1, it: 1 } });
    expect(preview.office.status).toBe('open');
    expect(Object.keys(preview.answers).sort()).toEqual([...LANGS].sort());
    // The answers are the dialogue's own, on the knowledge with the change tried on.
    const opened = { ...before!, status: 'open' as const, notes: preview.office.notes };
    for (const lang of LANGS) {
      expect(preview.answers[lang], lang).toContain(officeStatus({ k: bot.knowledge, t: bot.texts.t(lang), lang }, opened).split('\n')[0].slice(0, 30));
      expect(preview.notices[lang], lang).toContain(preview.answers[lang].split('\n')[0]);
    }
    expect(preview.answers.es).toContain('Reabierta tras las actualizaciones de seguridad.');
    expect(preview.answers.ca).toContain("Nota de l'oficina (en castellà): Reabierta tras las actualizaciones de seguridad.");
    expect(preview.notices.sv).toMatch(/^Avisering om /);

    // Nothing saved, served, audited or sent.
    expect(bot.knowledge.office(ALTET)).toEqual(before);
    expect((await audit()).length).toBe(entries);
    await bot.notifier.drain();
    expect(await notices('preview-es')).toEqual([]);
    expect((await say(app, 'preview-ask', '¿Está abierta la OMAC de El Altet?', 'es')).reply.text).not.toContain('Reabierta tras');
  });

  it('says when the note in force would go, and refuses what a change refuses', async () => {
    await call('PATCH', `/api/admin/offices/${ALTET}`, { note: { es: 'Nota de ahora.' } });
    const cleared = (await call('POST', `/api/admin/offices/${ALTET}/preview`, { status: 'closed' })).json();
    expect(cleared.noteCleared).toBe(true);
    expect(cleared.answers.es).not.toContain('Nota de ahora.');
    expect((await call('POST', `/api/admin/offices/${ALTET}/preview`, { status: 'closed', note: { es: 'Nota de ahora.' } })).json().noteCleared).toBe(false);
    expect((await call('POST', `/api/admin/offices/${ALTET}/preview`, { status: 'shut' })).statusCode).toBe(400);
    expect((await call('POST', `/api/admin/offices/${ALTET}/preview`, { note: { xx: 'a' } })).statusCode).toBe(400);
    expect((await call('POST', '/api/admin/offices/nowhere/preview', { status: 'open' })).statusCode).toBe(404);
  });

  it('of an announcement: each language as subscribers read it, and whom it reaches, saving nothing', async () => {
    const listed = (await call('GET', '/api/admin/announcements')).json().announcements.length;
    const res = await call('POST', '/api/admin/announcements/preview', { org: 'elche', texts: { es: 'Mañana las OMAC abren a las 10:00.', en: 'Tomorrow the OMAC offices open at 10:00.' } });
    expect(res.statusCode).toBe(200);
    const { notices: texts, subscribers } = res.json();
    expect(subscribers.total).toBe(3);
    expect(texts.es).toContain('Mañana las OMAC abren a las 10:00.');
    expect(texts.en).toContain('Tomorrow the OMAC offices open at 10:00.');
    // Valencian has no text: the Spanish one, marked as such.
    expect(texts.ca).toContain(bot.texts.t('ca')('notify.message_in', { language: bot.texts.t('ca')('note_language.es'), text: 'Mañana las OMAC abren a las 10:00.' }));
    expect((await call('GET', '/api/admin/announcements')).json().announcements.length).toBe(listed);
    expect((await call('POST', '/api/admin/announcements/preview', { org: 'elche', texts: { es: ' ' } })).statusCode).toBe(400);
  });
});

describe('undoing the last change', () => {
  it('within 10 minutes: the state before comes back, a correction goes only to those told, audited', async () => {
    // The Telegram subscriber's notices wait: no Telegram sender yet (not told); the web ones are told at once.
    const before = bot.knowledge.office(ALTET)!;
    await bot.notifier.drain();
    for (const name of ['preview-es', 'preview-ca']) await notices(name); // the earlier changes' notices, read
    const changed = await call('PATCH', `/api/admin/offices/${ALTET}`, { status: 'open', note: { es: 'Abierta por error.' } });
    expect(changed.statusCode).toBe(200);
    expect(Date.parse(changed.json().undoUntil) - Date.now()).toBeGreaterThan(9 * 60_000);
    await bot.notifier.drain();
    const told = await notices('preview-es');
    expect(told).toHaveLength(1);
    expect(told[0]).toContain('Abierta por error.');

    const res = await call('POST', `/api/admin/offices/${ALTET}/undo`);
    expect(res.statusCode).toBe(200);
    expect(res.json().office.status).toBe(before.status);
    expect(bot.knowledge.office(ALTET)!.status).toBe(before.status);
    expect(bot.knowledge.office(ALTET)!.notes).toEqual(before.notes);
    expect((await say(app, 'undo-ask', '¿Está abierta la OMAC de El Altet?', 'es')).reply.text).not.toContain('Abierta por error.');

    // The web subscribers, told of the change, get the correction in their language.
    await bot.notifier.drain();
    const corrected = await notices('preview-es');
    expect(corrected).toHaveLength(1);
    expect(corrected[0]).toMatch(/^Corrección sobre OMAC El Altet/);
    expect(corrected[0]).not.toContain('Abierta por error.');
    expect((await notices('preview-ca')).map((n) => n.split(' ')[0])).toEqual(['Avís', 'Correcció']);
    // The Telegram subscriber was not told yet: it gets neither the change nor the correction.
    const sent: [Address, string][] = [];
    bot.notifier.useSender('telegram', async (address, text) => void sent.push([address, text]));
    await bot.notifier.drain();
    expect(await bot.notifier.pendingCount()).toBe(0);
    // It gets the earlier changes' notices, waiting until now (the sender works), and nothing of this one.
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.filter(([, text]) => /Abierta por error|Rettifica/.test(text))).toEqual([]);

    const entries = await audit();
    const [change, undo] = entries.slice(-2);
    expect(undo).toMatchObject({ office: ALTET, actor: 'api-token', undoes: change.change });
    // Nothing left to undo: an undo is not undone.
    expect((await call('POST', `/api/admin/offices/${ALTET}/undo`)).json()).toMatchObject({ statusCode: 409, reason: 'undone' });
  });

  it('refused after 10 minutes (409), nothing changed', async () => {
    await call('PATCH', `/api/admin/offices/${ALTET}`, { status: 'limited' });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 10 * 60_000 + 1000);
    const res = await call('POST', `/api/admin/offices/${ALTET}/undo`);
    expect(res.statusCode).toBe(409);
    expect(res.json().reason).toBe('expired');
    expect(bot.knowledge.office(ALTET)!.status).toBe('limited');
    expect((await call('POST', '/api/admin/offices/elche-centro/undo')).json().reason).toBe('nothing');
  });

  it('at 9 minutes 50 seconds it still undoes', async () => {
    await call('PATCH', `/api/admin/offices/${ALTET}`, { status: 'closed' });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 9 * 60_000 + 50_000);
    expect((await call('POST', `/api/admin/offices/${ALTET}/undo`)).statusCode).toBe(200);
    expect(bot.knowledge.office(ALTET)!.status).toBe('limited');
  });
});
