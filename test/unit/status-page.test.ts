import fs from 'node:fs';
import path from 'node:path';
import { parseFeed } from '@rowanmanning/feed-parser';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../src/config.js';
import { Knowledge } from '../../src/knowledge/knowledge.js';
import { loadKnowledge } from '../../src/knowledge/loader.js';
import type { Service } from '../../src/knowledge/schema.js';
import { loadTexts } from '../../src/shared/i18n.js';
import { localeLangs } from '../../src/shared/languages.js';
import type { AuditEntry } from '../../src/storage/index.js';
import { atomFeed } from '../../src/features/status-page/feed.js';
import { statusPage, type PageTexts } from '../../src/features/status-page/page.js';
import { snapshot } from '../../src/features/status-page/snapshot.js';
import { EXPORT_LINKS } from '../../src/features/status-page/status-page.js';

const LOCALES = path.join(ROOT, 'locales');
const LANGS = localeLangs(LOCALES);

type Tree = { [key: string]: string | Tree };
const flatten = (tree: Tree, prefix = ''): Record<string, string> =>
  Object.fromEntries(Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v]] : Object.entries(flatten(v, `${prefix}${k}.`)))));
const texts = (lang: string) => flatten(JSON.parse(fs.readFileSync(path.join(LOCALES, lang, 'status-page.json'), 'utf8')));
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe("the status page's texts (locales/<lang>/status-page.json)", () => {
  it.each(LANGS.flatMap((a) => LANGS.filter((b) => b !== a).map((b) => [a, b])))('every key of %s is in %s, with the same placeholders', (a, b) => {
    const A = texts(a);
    const B = texts(b);
    expect(Object.keys(A).filter((k) => !(k in B))).toEqual([]);
    for (const key of Object.keys(A)) {
      expect(placeholders(B[key]), `${b}:${key}`).toEqual(placeholders(A[key]));
      expect(B[key].trim(), `${b}:${key}`).not.toBe('');
    }
  });

  it('names every status of an office and of a service', () => {
    for (const lang of LANGS) {
      const t = texts(lang);
      for (const s of ['open', 'limited', 'closed', 'reopening']) expect(t[`office.${s}`], `${lang} office.${s}`).toBeTruthy();
      for (const s of ['available', 'limited', 'unavailable', 'unknown']) expect(t[`service.${s}`], `${lang} service.${s}`).toBeTruthy();
    }
  });

  it('is Valencian in Valencian forms, not central Catalan', () => {
    const words = new Set(Object.values(texts('ca')).join(' ').toLowerCase().split(/[^\p{L}·]+/u));
    for (const valencian of ['esta', 'este', 'servicis']) expect(words, valencian).toContain(valencian);
    for (const central of ['aquesta', 'aquest', 'serveis', 'aquí']) expect(words, central).not.toContain(central);
  });
});

/** The sample knowledge base with ATS Insubria's website as staff would leave it through the services' live state (#31). */
function knowledgeWithLiveService(): Knowledge {
  const kb = loadKnowledge(path.join(ROOT, 'knowledge'));
  const services = kb.services.map((s): Service =>
    s.id === 'ats-insubria-website'
      ? ({ ...s, status: 'unavailable', note: { it: 'fuori servizio dopo l’attacco informatico' }, expected: '2026-05-10', updatedAt: '2026-05-05T08:00:00.000Z' } as Service)
      : s,
  );
  return new Knowledge({ ...kb, services });
}

async function pageTexts(lang: string): Promise<PageTexts> {
  const [page, bot] = await Promise.all([loadTexts(LOCALES, 'en', 'status-page.json'), loadTexts(LOCALES)]);
  return { t: page.t(lang), bot: bot.t(lang), names: Object.fromEntries(LANGS.map((l) => [l, bot.t(l)('language.self')])) };
}

const serviceChange: AuditEntry & { service: string } = {
  at: '2026-05-05T08:00:00.000Z',
  office: 'ats-insubria-website',
  service: 'ats-insubria-website',
  actor: 'urp',
  // A service's snapshots, as the services' live state records them (#31): its status, expected return and note.
  before: { status: 'available', note: {} } as never,
  after: { status: 'unavailable', expected: '2026-05-10', note: { it: 'fuori servizio dopo l’attacco informatico' } } as never,
  change: 'service-change-1',
};

describe('a service with a live state', () => {
  it('shows its status, since when, expected return (a date in the reader\'s format) and its note marked in its language', async () => {
    const facts = snapshot(knowledgeWithLiveService(), [serviceChange], LANGS, new Date('2026-05-06T10:00:00Z'));
    const ats = facts.organisations.find((o) => o.id === 'ats-insubria')!;
    expect(ats.lastChange).toBe('2026-05-05T08:00:00.000Z');
    expect(ats.services.find((s) => s.id === 'ats-insubria-website')).toMatchObject({ status: 'unavailable', since: serviceChange.at, updatedAt: serviceChange.at, expected: '2026-05-10' });
    // Working services carry no expected return.
    expect(ats.services.find((s) => s.id === 'ats-insubria-email')!.expected).toBeUndefined();

    const html = statusPage(facts, 'en', await pageTexts('en'), EXPORT_LINKS);
    const card = html.match(/<li class="card service is-unavailable" id="ats-insubria-website">([\s\S]*?)<\/li>/)![1];
    expect(card).toContain("<h4>ATS Insubria's website</h4>");
    expect(card).toContain('<span class="badge">Not working</span>');
    expect(card).toContain('<dt>Since</dt><dd><time datetime="2026-05-05T08:00:00.000Z">5 May 2026 at 10:00 CEST</time></dd>');
    expect(card).toContain('<dt>Expected back</dt><dd><time datetime="2026-05-10">Sunday, 10 May 2026</time></dd>');
    expect(card).toContain('<span class="other-lang">Written in Italian:</span> <span lang="it">Fuori servizio dopo l’attacco informatico</span>');
    const italian = statusPage(facts, 'it', await pageTexts('it'), EXPORT_LINKS);
    expect(italian).toContain('<dt>Ripristino previsto</dt><dd><time datetime="2026-05-10">domenica 10 maggio 2026</time></dd>');
    expect(italian).toContain('<dd>Fuori servizio dopo l’attacco informatico</dd>');
  });

  it('has its change in the feed, titled with its new status', async () => {
    const facts = snapshot(knowledgeWithLiveService(), [serviceChange], LANGS);
    const ats = facts.organisations.find((o) => o.id === 'ats-insubria')!;
    const xml = atomFeed(ats, [serviceChange], 'es', await pageTexts('es'), { self: 'ats-insubria.es.atom', page: 'index.es.html' }, facts.generatedAt);
    const feed = parseFeed(xml);
    expect(feed.items).toHaveLength(1);
    expect(feed.items[0].title).toBe('El sitio web institucional de ATS Insubria: No funciona');
    expect(feed.items[0].content).toContain('Antes: Funciona.');
    expect(feed.items[0].content).toContain('Vuelta prevista: domingo, 10 de mayo de 2026.');
    expect(feed.items[0].content).toContain('Nota (en italiano): fuori servizio');
    expect(feed.updated?.toISOString()).toBe(serviceChange.at);
  });
});
