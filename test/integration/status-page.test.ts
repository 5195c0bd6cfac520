import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parseFeed } from '@rowanmanning/feed-parser';
import { HtmlValidate } from 'html-validate';
import { Ajv2020 } from 'ajv/dist/2020.js';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { ROOT } from '../../src/config.js';
import { buildApp } from '../../src/app/http.js';
import { testConfig } from '../support/helpers.js';

// The public status page through the real app: GET /status, /api/status, /status/:org.atom, and
// the static export to STATUS_EXPORT_DIR rewritten on every office or service change.

const TOKEN = 'status-page-admin-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
const LANGS = ['ca', 'en', 'es', 'it', 'sv'];
const pageTexts = (lang: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'locales', lang, 'status-page.json'), 'utf8'));
const open: { bot: ChatCore; app: FastifyInstance }[] = [];
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'status-export-'));

async function start(env: Record<string, string> = {}, logLines?: string[]) {
  const logger = logLines ? pino({ level: 'warn' }, new Writable({ write: (chunk, _e, done) => (logLines.push(String(chunk)), done()) })) : undefined;
  const bot = await assemble(testConfig({ ADMIN_TOKEN: TOKEN, ...env }), undefined, logger ? { warn: (m) => logger.warn(m), error: (m) => logger.error(m) } : undefined);
  const app = buildApp({ bot, adminToken: TOKEN });
  await app.ready();
  open.push({ bot, app });
  return { bot, app };
}
afterEach(async () => {
  for (const { bot, app } of open.splice(0)) {
    await app.close();
    await bot.close();
  }
});

const change = (app: FastifyInstance, office: string, payload: object) => app.inject({ method: 'PATCH', url: `/api/admin/offices/${office}`, headers: auth, payload });
/** The text of one office's or service's card on the page. */
const cardOf = (html: string, id: string) => html.match(new RegExp(`<li class="card[^"]*" id="${id}">([\\s\\S]*?)</li>`))?.[1] ?? '';
const plain = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;|&#x27;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');
const validator = new HtmlValidate({ extends: ['html-validate:recommended'], rules: { 'void-style': 'off' } });
async function htmlProblems(html: string): Promise<string[]> {
  const report = await validator.validateString(html);
  return report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message} (line ${m.line})`));
}

describe('GET /status', () => {
  it('shows every organisation, office and service in the language asked for, by ?lang= or the browser', async () => {
    const { app, bot } = await start();
    for (const lang of LANGS) {
      const res = await app.inject({ url: `/status?lang=${lang}` });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['content-language']).toBe(lang);
      expect(res.body).toContain(`<html lang="${lang}">`);
      expect(res.body).toContain(`<h1>${pageTexts(lang).title}</h1>`);
      const text = plain(res.body);
      for (const org of bot.knowledge.organisations) expect(text).toContain(org.name[lang]);
      for (const office of bot.knowledge.offices) expect(cardOf(res.body, office.id), office.id).toContain(pageTexts(lang).office[office.status]);
      for (const org of bot.knowledge.organisations) {
        for (const service of bot.knowledge.services(org.id)) expect(cardOf(res.body, service.id), service.id).toContain(pageTexts(lang).service[service.status]);
      }
      expect(res.body).not.toContain('<script');
    }
    const valencian = await app.inject({ url: '/status', headers: { 'accept-language': 'ca-ES-valencia,ca;q=0.9,es;q=0.8' } });
    expect(valencian.headers['content-language']).toBe('ca');
    expect(valencian.headers.vary).toMatch(/accept-language/i);
    const swedish = await app.inject({ url: '/status', headers: { 'accept-language': 'sv-SE,sv;q=0.9,en;q=0.5' } });
    expect(swedish.headers['content-language']).toBe('sv');
    const german = await app.inject({ url: '/status', headers: { 'accept-language': 'de-DE' } });
    expect(german.headers['content-language']).toBe(bot.config.DEFAULT_LANG);
  });

  it('refuses a language it does not have with a 400 that names it and the ones it has', async () => {
    const { app } = await start();
    const res = await app.inject({ url: '/status?lang=de' });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/"de".*ca, en, es, it, sv/);
    expect((await app.inject({ url: '/status/elche.atom?lang=pt' })).statusCode).toBe(400);
    const unknown = await app.inject({ url: '/status/nowhere.atom' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().message).toContain('nowhere');
  });

  it('is valid HTML with its own stylesheet and no script; the stylesheet is served', async () => {
    const { app } = await start();
    for (const lang of LANGS) expect(await htmlProblems((await app.inject({ url: `/status?lang=${lang}` })).body), lang).toEqual([]);
    const css = await app.inject({ url: '/status/status.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.body).toContain('.badge');
  });

  it('reads a change at once: status, since when, note (marked when in another language), last change; the JSON says the same', async () => {
    const { app } = await start();
    const before = await app.inject({ url: '/status?lang=en' });
    expect(cardOf(before.body, 'elche-el-altet')).toContain('Reopening soon');
    expect(cardOf(before.body, 'elche-el-altet')).toContain('Expected to reopen');
    const res = await change(app, 'elche-el-altet', { status: 'open', note: { es: 'Reabierta a las 9:00 tras las actualizaciones de seguridad.' } });
    expect(res.statusCode).toBe(200);
    const at = res.json().office.updatedAt as string;
    const en = await app.inject({ url: '/status?lang=en' });
    const card = cardOf(en.body, 'elche-el-altet');
    expect(card).toContain('<span class="badge">Open</span>');
    expect(card).toContain(`<dt>Since</dt><dd><time datetime="${at}">`);
    // Open again: the expected reopening no longer shows.
    expect(card).not.toContain('Expected to reopen');
    expect(card).toContain('<span class="other-lang">Written in Spanish:</span> <span lang="es">Reabierta a las 9:00');
    expect(plain(en.body)).toContain('Last change:');
    const es = await app.inject({ url: '/status?lang=es' });
    expect(cardOf(es.body, 'elche-el-altet')).toContain('<dd>Reabierta a las 9:00');
    expect(cardOf(es.body, 'elche-el-altet')).not.toContain('other-lang');

    const json = (await app.inject({ url: '/api/status' })).json();
    const elche = json.organisations.find((o: { id: string }) => o.id === 'elche');
    expect(elche.lastChange).toBe(at);
    expect(elche.offices.find((o: { id: string }) => o.id === 'elche-el-altet')).toEqual({
      id: 'elche-el-altet',
      name: expect.objectContaining({ es: 'OMAC El Altet' }),
      status: 'open',
      since: at,
      updatedAt: at,
      note: { es: 'Reabierta a las 9:00 tras las actualizaciones de seguridad.' },
    });
    // A note changed without a new status: since when stays, the last update moves.
    await new Promise((r) => setTimeout(r, 5));
    const later = (await change(app, 'elche-el-altet', { note: { en: 'Open as usual.' } })).json().office.updatedAt as string;
    expect(later).not.toBe(at);
    const again = cardOf((await app.inject({ url: '/status?lang=en' })).body, 'elche-el-altet');
    expect(again).toContain(`<dt>Since</dt><dd><time datetime="${at}">`);
    expect(again).toContain(`<dt>Last updated</dt><dd><time datetime="${later}">`);
  });

  it('reads the audit log once for a crowd of readers, and again at once after a change', async () => {
    const { app, bot } = await start();
    const range = vi.spyOn(bot.stores.audit, 'range');
    const pages = await Promise.all(Array.from({ length: 20 }, (_, i) => app.inject({ url: `/status?lang=${LANGS[i % 5]}` })));
    expect(pages.every((p) => p.statusCode === 200)).toBe(true);
    expect(range).toHaveBeenCalledTimes(1);
    await change(app, 'elche-centro', { status: 'closed' });
    expect(cardOf((await app.inject({ url: '/status?lang=en' })).body, 'elche-centro')).toContain('<span class="badge">Closed</span>');
  });

  it('still shows the offices and services while the audit log cannot be read, without since-when times', async () => {
    const { app, bot } = await start();
    await change(app, 'elche-centro', { status: 'closed' });
    vi.spyOn(bot.stores.audit, 'size').mockRejectedValue(new Error('store unreachable'));
    await bot.statusPage.refresh(); // forgets the last read
    const res = await app.inject({ url: '/status?lang=en' });
    expect(res.statusCode).toBe(200);
    expect(cardOf(res.body, 'elche-centro')).toContain('<span class="badge">Closed</span>');
    expect(cardOf(res.body, 'elche-centro')).not.toContain('<dt>Since</dt>');
    expect((await app.inject({ url: '/api/status' })).statusCode).toBe(200);
  });

  it('keeps no staff names on the page, in the JSON or in the feed', async () => {
    const { app } = await start();
    await change(app, 'elche-torrellano', { status: 'closed' });
    for (const url of ['/status?lang=es', '/api/status', '/status/elche.atom']) {
      const body = (await app.inject({ url })).body;
      expect(body, url).not.toContain('api-token');
      expect(body, url).not.toContain('updatedBy');
    }
  });
});

describe('GET /api/status', () => {
  it('is documented in the OpenAPI description and answers what the document says', async () => {
    const { app } = await start();
    const doc = (await app.inject({ url: '/api/openapi.json' })).json();
    for (const p of ['/status', '/api/status', '/status/{org}.atom', '/status/status.css']) expect(doc.paths, p).toHaveProperty([p]);
    const schema = doc.paths['/api/status'].get.responses['200'].content['application/json'].schema;
    await change(app, 'elche-el-altet', { status: 'reopening', expectedReopening: '2026-12-09T09:00+01:00' });
    const res = await app.inject({ url: '/api/status' });
    expect(res.statusCode).toBe(200);
    const ajv = new Ajv2020({ strict: false });
    expect(ajv.validate(schema, res.json()), JSON.stringify(ajv.errors)).toBe(true);
    const altet = res.json().organisations[0].offices.find((o: { id: string }) => o.id === 'elche-el-altet');
    expect(altet.expectedReopening).toBe('2026-12-09T09:00+01:00');
    // The page shows it as a date in the reader's language and the organisation's time zone.
    const page = cardOf((await app.inject({ url: '/status?lang=es' })).body, 'elche-el-altet');
    expect(page).toContain('<time datetime="2026-12-09T09:00+01:00">miércoles, 9 de diciembre de 2026, 9:00 CET</time>');
  });
});

describe('GET /status/:org.atom', () => {
  it("is a valid Atom feed of the organisation's changes, newest first, in its language or the one asked for", async () => {
    const { app, bot } = await start();
    await change(app, 'elche-el-altet', { status: 'open' });
    await change(app, 'elche-torrellano', { status: 'limited', note: { es: 'Solo con cita previa.' } });
    await change(app, 'ats-insubria-como', { status: 'closed' });
    const res = await app.inject({ url: '/status/elche.atom' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/atom\+xml/);
    const feed = parseFeed(res.body);
    expect(feed.meta.type).toBe('atom');
    expect(feed.language).toBe('es');
    expect(feed.title).toBe('Ayuntamiento de Elche: cambios de estado');
    expect(feed.items.map((i) => i.title)).toEqual(['OMAC Torrellano: Servicio limitado', 'OMAC El Altet: Abierta']);
    expect(feed.items[0].content).toContain('Antes: Abierta.');
    expect(feed.items[0].content).toContain('Nota: Solo con cita previa.');
    for (const item of feed.items) {
      expect(item.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
      expect(item.updated).toBeInstanceOf(Date);
      expect(item.url).toMatch(/\/status\?lang=es#elche-/);
    }
    expect(new Set(feed.items.map((i) => i.id)).size).toBe(2);
    const sv = parseFeed((await app.inject({ url: '/status/elche.atom?lang=sv' })).body);
    expect(sv.language).toBe('sv');
    expect(sv.items[0].title).toBe('OMAC Torrellano: Begränsad service');
    expect(sv.items[0].content).toContain('Meddelande (på spanska): Solo con cita previa.');
    const ats = parseFeed((await app.inject({ url: '/status/ats-insubria.atom' })).body);
    expect(ats.language).toBe('it');
    expect(ats.items.map((i) => i.title)).toEqual([`${bot.knowledge.office('ats-insubria-como')!.name.it}: Chiuso`]);
    const paiporta = parseFeed((await app.inject({ url: '/status/paiporta.atom' })).body);
    expect(paiporta.items).toEqual([]);
  });
});

describe('STATUS_EXPORT_DIR', () => {
  it('holds the page in every language, the JSON, the stylesheet and the feeds from the start, and all are rewritten on a change', async () => {
    const dir = tmp();
    const { app, bot } = await start({ STATUS_EXPORT_DIR: dir });
    const files = fs.readdirSync(dir).sort();
    const orgs = bot.knowledge.organisations.map((o) => o.id);
    expect(files).toEqual(
      [
        'index.html', 'status.css', 'status.json',
        ...LANGS.map((l) => `index.${l}.html`),
        ...orgs.flatMap((o) => [`${o}.atom`, ...LANGS.map((l) => `${o}.${l}.atom`)]),
      ].sort(),
    );
    expect(fs.readFileSync(path.join(dir, 'index.html'), 'utf8')).toContain('<html lang="es">');
    expect(cardOf(fs.readFileSync(path.join(dir, 'index.en.html'), 'utf8'), 'elche-el-altet')).toContain('Reopening soon');

    const res = await change(app, 'elche-el-altet', { status: 'open', note: { ca: "Reoberta hui a les 9:00." } });
    expect(res.statusCode).toBe(200);
    // Written before the change's answer: nothing to wait for.
    const page = fs.readFileSync(path.join(dir, 'index.ca.html'), 'utf8');
    expect(cardOf(page, 'elche-el-altet')).toContain('<span class="badge">Oberta</span>');
    expect(cardOf(page, 'elche-el-altet')).toContain('Reoberta hui a les 9:00.');
    for (const lang of LANGS) expect(await htmlProblems(fs.readFileSync(path.join(dir, `index.${lang}.html`), 'utf8')), lang).toEqual([]);
    // Links between the files are relative: the folder can be published anywhere.
    expect(page).toContain('href="status.css"');
    expect(page).toContain('href="index.sv.html"');
    expect(page).toContain('href="elche.ca.atom"');
    expect(page).toContain('href="status.json"');
    expect(page).not.toMatch(/href="\/(status|api)/);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'status.json'), 'utf8'));
    expect(json.organisations[0].offices.find((o: { id: string }) => o.id === 'elche-el-altet').status).toBe('open');
    const feed = parseFeed(fs.readFileSync(path.join(dir, 'elche.atom'), 'utf8'));
    expect(feed.items.map((i) => i.title)).toEqual(['OMAC El Altet: Abierta']);
    expect(fs.readFileSync(path.join(dir, 'elche.atom'), 'utf8')).toContain('href="index.es.html#elche-el-altet"');
    // Written to a temporary file and renamed: none is left behind.
    expect(fs.readdirSync(dir).length).toBe(files.length);
  });

  it("follows a service's change: the page, the JSON and the feed, since when read from the service's audit entry", async () => {
    const dir = tmp();
    const { app, bot } = await start({ STATUS_EXPORT_DIR: dir });
    const website = () => JSON.parse(fs.readFileSync(path.join(dir, 'status.json'), 'utf8')).organisations.find((o: { id: string }) => o.id === 'ats-insubria').services.find((s: { id: string }) => s.id === 'ats-insubria-website');
    expect(website()).toMatchObject({ status: 'unavailable' });
    expect(website().since).toBeUndefined();
    const res = await app.inject({ method: 'PATCH', url: '/api/admin/services/ats-insubria-website', headers: auth, payload: { status: 'limited', expected: '2026-12-20', note: { it: 'Funzionano solo le pagine informative.' } } });
    expect(res.statusCode).toBe(200);
    const at = res.json().service.updatedAt as string;
    // Written before the change's answer, as for an office.
    expect(website()).toEqual({
      id: 'ats-insubria-website',
      kind: 'website',
      name: bot.knowledge.serviceById('ats-insubria-website')!.name,
      status: 'limited',
      since: at,
      updatedAt: at,
      expected: '2026-12-20',
      note: { it: 'Funzionano solo le pagine informative.' },
    });
    const card = cardOf(fs.readFileSync(path.join(dir, 'index.it.html'), 'utf8'), 'ats-insubria-website');
    expect(card).toContain(`<span class="badge">${pageTexts('it').service.limited}</span>`);
    expect(card).toContain(`<dt>${pageTexts('it').since}</dt><dd><time datetime="${at}">`);
    expect(card).toContain(`<dt>${pageTexts('it').expected_service}</dt>`);
    expect(card).toContain('Funzionano solo le pagine informative.');
    expect(await htmlProblems(fs.readFileSync(path.join(dir, 'index.it.html'), 'utf8'))).toEqual([]);
    const feed = parseFeed(fs.readFileSync(path.join(dir, 'ats-insubria.atom'), 'utf8'));
    const name = bot.knowledge.serviceById('ats-insubria-website')!.name.it!;
    expect(feed.items.map((i) => i.title)).toEqual([`${name.charAt(0).toUpperCase()}${name.slice(1)}: ${pageTexts('it').service.limited}`]);
    expect(feed.items[0].content).toContain(`${pageTexts('it').service.unavailable}`);
    expect(feed.items[0].content).toContain('Funzionano solo le pagine informative.');
    expect(feed.items[0].url).toMatch(/#ats-insubria-website$/);
    // A note changed without a new status: since when stays, the last update moves; the live page says the same.
    await new Promise((r) => setTimeout(r, 5));
    const later = (await app.inject({ method: 'PATCH', url: '/api/admin/services/ats-insubria-website', headers: auth, payload: { note: { it: 'Di nuovo la pagina dei servizi.' } } })).json().service.updatedAt as string;
    expect(website()).toMatchObject({ since: at, updatedAt: later, note: { it: 'Di nuovo la pagina dei servizi.' } });
    const live = cardOf((await app.inject({ url: '/status?lang=it' })).body, 'ats-insubria-website');
    expect(live).toContain(`<time datetime="${at}">`);
    expect(live).toContain(`<time datetime="${later}">`);
    expect(parseFeed((await app.inject({ url: '/status/ats-insubria.atom' })).body).items).toHaveLength(2);
  });

  it('rewrites once more after a write in progress, so the last of several changes at once is what stays', async () => {
    const dir = tmp();
    const { app } = await start({ STATUS_EXPORT_DIR: dir });
    const offices = ['elche-centro', 'elche-altabix', 'elche-francesc-canto', 'elche-torrellano'];
    const results = await Promise.all(offices.map((o) => change(app, o, { status: 'closed' })));
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
    const page = fs.readFileSync(path.join(dir, 'index.en.html'), 'utf8');
    for (const o of offices) expect(cardOf(page, o), o).toContain('<span class="badge">Closed</span>');
  });

  it('follows an undo: the page, the JSON and the feed say the change was taken back', async () => {
    const dir = tmp();
    const { app } = await start({ STATUS_EXPORT_DIR: dir });
    await change(app, 'elche-el-altet', { status: 'open' });
    expect(cardOf(fs.readFileSync(path.join(dir, 'index.es.html'), 'utf8'), 'elche-el-altet')).toContain('Abierta');
    const undo = await app.inject({ method: 'POST', url: '/api/admin/offices/elche-el-altet/undo', headers: auth });
    expect(undo.statusCode).toBe(200);
    expect(cardOf(fs.readFileSync(path.join(dir, 'index.es.html'), 'utf8'), 'elche-el-altet')).toContain('Reapertura próxima');
    expect(cardOf((await app.inject({ url: '/status?lang=es' })).body, 'elche-el-altet')).toContain('Reapertura próxima');
    const feed = parseFeed(fs.readFileSync(path.join(dir, 'elche.atom'), 'utf8'));
    expect(feed.items.map((i) => i.title)).toEqual(['OMAC El Altet: Reapertura próxima', 'OMAC El Altet: Abierta']);
    expect(feed.items[0].content).toContain('Se ha deshecho el cambio anterior.');
  });

  it('is written again at start from the store: after a restart on SQLite the copy holds the changes made before', async () => {
    const dir = tmp();
    const data = tmp();
    const first = await start({ STORE: 'sqlite', DATA_DIR: data, STATUS_EXPORT_DIR: dir });
    const at = (await change(first.app, 'elche-torrellano', { status: 'closed', note: { es: 'Cerrada por una avería eléctrica.' } })).json().office.updatedAt;
    await first.app.close();
    await first.bot.close();
    open.splice(0);
    fs.rmSync(dir, { recursive: true });
    await start({ STORE: 'sqlite', DATA_DIR: data, STATUS_EXPORT_DIR: dir });
    const card = cardOf(fs.readFileSync(path.join(dir, 'index.es.html'), 'utf8'), 'elche-torrellano');
    expect(card).toContain('<span class="badge">Cerrada</span>');
    expect(card).toContain(`<dt>Desde</dt><dd><time datetime="${at}">`);
    expect(card).toContain('Cerrada por una avería eléctrica.');
    expect(parseFeed(fs.readFileSync(path.join(dir, 'elche.atom'), 'utf8')).items.map((i) => i.title)).toEqual(['OMAC Torrellano: Cerrada']);
  });

  it('a folder it cannot write is logged; the change itself stands and is answered', async () => {
    const blocker = path.join(tmp(), 'a-file');
    fs.writeFileSync(blocker, 'not a folder');
    const lines: string[] = [];
    const { app, bot } = await start({ STATUS_EXPORT_DIR: path.join(blocker, 'export') }, lines);
    const res = await change(app, 'elche-el-altet', { status: 'open' });
    expect(res.statusCode).toBe(200);
    expect(bot.knowledge.office('elche-el-altet')!.status).toBe('open');
    expect(lines.join('')).toMatch(/status page export not written/);
  });
});
