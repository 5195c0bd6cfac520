import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intlLocale } from '../../src/shared/languages.js';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { say, startApp } from '../support/helpers.js';
import { bearer } from '../support/staff.js';

const TOKEN = 'notes-admin-token-0123456789';
let bot: ChatCore;
let app: FastifyInstance;
beforeAll(async () => {
  ({ bot, app } = await startApp({ ADMIN_TOKEN: TOKEN }));
});
afterAll(async () => {
  await app?.close();
  await bot?.close();
});

const patch = (id: string, payload: object) => app.inject({ method: 'PATCH', url: `/api/admin/offices/${id}`, headers: bearer(TOKEN), payload });
const AT = '2025-06-02T09:30+02:00';
const format = (lang: string) => new Intl.DateTimeFormat(intlLocale(lang), { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/Madrid' }).format(new Date(AT));

describe('the expected reopening and the note staff set', () => {
  it("show a date in each language's own format, and a Spanish note in Valencian and Swedish as the Spanish note", async () => {
    expect((await patch('paiporta-oficina-unica', { status: 'closed', expectedReopening: AT, note: { es: 'Traigan el DNI.' } })).statusCode).toBe(200);
    const question = '¿Está abierta la Oficina Única de Paiporta?';
    const answers: Record<string, string> = {};
    for (const lang of ['es', 'ca', 'it', 'sv', 'en']) answers[lang] = (await say(app, `notes-${lang}`, question, lang)).reply.text;
    for (const lang of ['es', 'ca', 'it', 'sv', 'en']) expect(answers[lang], lang).toContain(format(lang));
    expect(answers.es).toContain('Está previsto que reabra el ');
    expect(answers.es).toContain('Traigan el DNI.');
    expect(answers.es).not.toContain('(en castellano)');
    expect(answers.ca).toContain("Nota de l'oficina (en castellà): Traigan el DNI.");
    expect(answers.sv).toContain('Kontorets meddelande (på spanska): Traigan el DNI.');
    expect(answers.it).toContain("Nota dell'ufficio (in spagnolo): Traigan el DNI.");
    expect(answers.en).toContain('Note from the office (in Spanish): Traigan el DNI.');
    // The knowledge base's older notes in the other languages are replaced, not shown beside it.
    expect(answers.ca).not.toContain('Es prega puntualitat');
  });

  it("falls back to the organisation's language first (Italian for ATS Insubria), and keeps words as words", async () => {
    await patch('ats-insubria-como', { status: 'closed', expectedReopening: 'dopo la verifica dei sistemi', note: { it: 'Nota in italiano.', en: 'A note in English.' } });
    const sv = (await say(app, 'notes-ats', 'Är ATS Insubria i Como öppet?', 'sv')).reply.text;
    expect(sv).toContain('Kontorets meddelande (på italienska): Nota in italiano.');
    expect(sv).toContain('dopo la verifica dei sistemi');
    const en = (await say(app, 'notes-ats-en', 'Is ATS Insubria in Como open?', 'en')).reply.text;
    expect(en).toContain('A note in English.');
    expect(en).not.toContain('(in Italian)');
  });

  it('refuses a date and time without its offset (400) and changes nothing', async () => {
    const before = bot.knowledge.office('elche-el-altet');
    const res = await patch('elche-el-altet', { expectedReopening: '2025-06-02T09:30' });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/offset/);
    expect(bot.knowledge.office('elche-el-altet')).toEqual(before);
  });
  it("serves a note written before another language's change as the changed one, marked, until it is updated; the board flags it", async () => {
    const board = async () => (await app.inject({ method: 'GET', url: '/api/admin/offices', headers: bearer(TOKEN) })).json().offices.find((o: { id: string }) => o.id === 'elche-torrellano');
    const question = "Està oberta l'OMAC de Torrellano?";
    await patch('elche-torrellano', { status: 'limited', note: { es: 'Solo con cita previa.', ca: 'Només amb cita prèvia.' } });
    expect((await board()).notesStale).toEqual([]);
    expect((await say(app, 'fresh-1', question, 'ca')).reply.text).toContain('Només amb cita prèvia.');
    // Staff change the Spanish note and leave the Valencian one as it was.
    await patch('elche-torrellano', { note: { es: 'Con cita previa y también sin cita por la tarde.', ca: 'Només amb cita prèvia.' } });
    expect((await board()).notesStale).toEqual(['ca']);
    const stale = (await say(app, 'fresh-2', question, 'ca')).reply.text;
    expect(stale).toContain("Nota de l'oficina (en castellà): Con cita previa y también sin cita por la tarde.");
    expect(stale).not.toContain('Només amb cita prèvia.');
    // The Valencian note updated: current again.
    await patch('elche-torrellano', { note: { es: 'Con cita previa y también sin cita por la tarde.', ca: 'Amb cita prèvia i també sense cita per la vesprada.' } });
    expect((await board()).notesStale).toEqual([]);
    expect((await say(app, 'fresh-3', question, 'ca')).reply.text).toContain('Amb cita prèvia i també sense cita per la vesprada.');
  });
});
