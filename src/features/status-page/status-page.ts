import fs from 'node:fs';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { ROOT } from '../../config.js';
import type { Knowledge } from '../../knowledge/knowledge.js';
import type { Lang } from '../../knowledge/schema.js';
import { loadTexts, type Texts } from '../../shared/i18n.js';
import type { AuditRecord, AuditRepository } from '../../storage/index.js';
import { atomFeed, type FeedLinks } from './feed.js';
import { statusPage, type PageLinks, type PageTexts } from './page.js';
import { recentChanges, snapshot, type StatusSnapshot } from './snapshot.js';

/** The page's links on this server: /status, its stylesheet, its feeds, /api/status. */
export const LIVE_LINKS: PageLinks = {
  css: '/status/status.css',
  page: (lang) => `/status?lang=${lang}`,
  feed: (org, lang) => `/status/${org}.atom?lang=${lang}`,
  json: '/api/status',
};

/** The same links between the files of the export, all in one folder (relative: it can be published anywhere). */
export const EXPORT_LINKS: PageLinks = {
  css: 'status.css',
  page: (lang) => `index.${lang}.html`,
  feed: (org, lang) => `${org}.${lang}.atom`,
  json: 'status.json',
};

/**
 * How long one read of the facts serves the page's requests. A change made on this instance is read
 * at once (refresh() forgets the last read); one made on another instance sharing the store, within this.
 */
export const READ_AGAIN_MS = 2000;

export interface StatusPageOptions {
  /** Where the texts are: LOCALES_DIR (status-page.json beside each language's translation.json). */
  localesDir: string;
  /** The page's language when neither `?lang=` nor the browser says one (DEFAULT_LANG); index.html of the export. */
  defaultLang: Lang;
  /** STATUS_EXPORT_DIR: unset, nothing is written. */
  exportDir?: string;
  /** Told when the export could not be written (the change itself stands). */
  onError?: (err: unknown) => void;
}

/**
 * The public status page: rendered on request (GET /status, /api/status, /status/:org.atom) and,
 * with STATUS_EXPORT_DIR, written there as static files on every change (`refresh()`), so that a
 * council can publish them from another host that stays up when this server does not.
 */
export class StatusPage {
  /** The stylesheet (web/status.css): served at /status/status.css and copied into the export. */
  readonly css: string;
  /** The last read of the facts, shared by the requests of the next READ_AGAIN_MS (a crowd reading the page reads the log once). */
  private recent?: { at: number; read: Promise<{ facts: StatusSnapshot; changes: AuditRecord[] }> };
  private writing: Promise<void> = Promise.resolve();
  private queued?: Promise<void>;

  private constructor(
    private readonly knowledge: Knowledge,
    private readonly botTexts: Texts,
    private readonly pageTexts: Texts,
    private readonly audit: AuditRepository,
    private readonly options: StatusPageOptions,
  ) {
    this.css = fs.readFileSync(path.join(ROOT, 'web', 'status.css'), 'utf8');
  }

  static async create(knowledge: Knowledge, botTexts: Texts, audit: AuditRepository, options: StatusPageOptions): Promise<StatusPage> {
    return new StatusPage(knowledge, botTexts, await loadTexts(options.localesDir, 'en', 'status-page.json'), audit, options);
  }

  get langs(): Lang[] {
    return this.pageTexts.langs;
  }

  /**
   * The facts now, and the log's recent changes (newest first) they were read with. `tolerant`: an
   * unreachable log leaves the page without since-when times and feed entries rather than without
   * a page (the live routes); the export is not rewritten without it (its feeds would lose entries).
   */
  async read(tolerant = false): Promise<{ facts: StatusSnapshot; changes: AuditRecord[] }> {
    if (this.recent && Date.now() - this.recent.at < READ_AGAIN_MS) return this.recent.read;
    const read = recentChanges(this.audit).then((changes) => ({ facts: snapshot(this.knowledge, changes, this.langs), changes }));
    this.recent = { at: Date.now(), read };
    // A failed read is not kept: the next request tries again.
    read.catch(() => {
      if (this.recent?.read === read) this.recent = undefined;
    });
    return read.catch((err: unknown) => {
      if (!tolerant) throw err;
      return { facts: snapshot(this.knowledge, [], this.langs), changes: [] };
    });
  }

  private texts(lang: Lang): PageTexts {
    const names = Object.fromEntries(this.langs.map((l) => [l, this.botTexts.t(l)('language.self')]));
    return { t: this.pageTexts.t(lang), bot: this.botTexts.t(lang), names };
  }

  html(facts: StatusSnapshot, lang: Lang, links: PageLinks = LIVE_LINKS): string {
    return statusPage(facts, lang, this.texts(lang), links);
  }

  /** The organisation's feed in one language; undefined for an organisation the knowledge does not have. */
  feed(facts: StatusSnapshot, changes: AuditRecord[], org: string, lang: Lang, links: FeedLinks): string | undefined {
    const state = facts.organisations.find((o) => o.id === org);
    return state && atomFeed(state, changes, lang, this.texts(lang), links, facts.generatedAt);
  }

  /** The organisation's own language if the page has it, else the default: the language of its feed without `?lang=`. */
  feedLang(org: string): Lang {
    const own = this.knowledge.organisation(org)?.language;
    return own && this.langs.includes(own) ? own : this.options.defaultLang;
  }

  /**
   * Writes the export again (when STATUS_EXPORT_DIR is set): called on every change of an office's
   * status, and by whatever else changes what the page shows. Each file is written to a temporary
   * file and renamed over the old one, so a web server never serves half a file. Changes that come
   * while a write runs are written once more after it, together. Never throws: a failure is reported
   * to onError and the next change writes everything again.
   */
  refresh(): Promise<void> {
    this.recent = undefined;
    if (!this.options.exportDir) return Promise.resolve();
    if (this.queued) return this.queued;
    const next = this.writing.then(() => {
      this.queued = undefined;
      return this.write(this.options.exportDir!);
    });
    this.queued = next.catch((err) => this.options.onError?.(err));
    this.writing = this.queued;
    return this.queued;
  }

  /** Every file of the export: index.html (the default language) and index.<lang>.html, status.css, status.json, <org>.atom and <org>.<lang>.atom. */
  private async write(dir: string): Promise<void> {
    this.recent = undefined;
    const { facts, changes } = await this.read();
    const files = new Map<string, string>([
      ['status.css', this.css],
      ['status.json', `${JSON.stringify(facts, null, 2)}\n`],
      ['index.html', this.html(facts, this.options.defaultLang, EXPORT_LINKS)],
    ]);
    for (const lang of this.langs) {
      files.set(`index.${lang}.html`, this.html(facts, lang, EXPORT_LINKS));
      for (const org of facts.organisations) {
        const feed = (self: string) => this.feed(facts, changes, org.id, lang, { self, page: EXPORT_LINKS.page(lang) })!;
        files.set(`${org.id}.${lang}.atom`, feed(`${org.id}.${lang}.atom`));
        if (lang === this.feedLang(org.id)) files.set(`${org.id}.atom`, feed(`${org.id}.atom`));
      }
    }
    await fs.promises.mkdir(dir, { recursive: true });
    for (const [name, content] of files) await writeFileAtomic(path.join(dir, name), content, { encoding: 'utf8', mode: 0o644 });
  }
}
