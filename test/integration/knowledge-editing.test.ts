import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { backup, restore } from '../../src/storage/backup/index.js';
import { startApp } from '../support/helpers.js';
import { addStaff, bearer, logIn, withSession, type StaffLogin } from '../support/staff.js';

// #32 through the API: staff keep an organisation's facts in versions. Scope, CSRF, checks per
// field (nothing kept on a refusal), publication, rollback, the log; on SQLite, a published
// version survives a restart and is in backups.

const TOKEN = 'knowledge-admin-token-0123456789';
/** A test's number for Paiporta's phone help (valid in Spain; no source gives one). */
const NUMBER = '960 00 00 00';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'knowledge-editing-'));
let bot: ChatCore;
let app: FastifyInstance;
let ana: StaffLogin; // editor of Paiporta
let eli: StaffLogin; // editor of Elche

beforeAll(async () => {
  ({ bot, app } = await startApp({ ADMIN_TOKEN: TOKEN, STORE: 'sqlite', DATA_DIR: dataDir }));
  await addStaff(app, TOKEN, { username: 'ana', role: 'editor', orgs: ['paiporta'] });
  await addStaff(app, TOKEN, { username: 'eli', role: 'editor', orgs: ['elche'] });
  [ana, eli] = [await logIn(app, 'ana'), await logIn(app, 'eli')];
});
afterAll(async () => {
  await app?.close();
  await bot?.close();
});

const call = (method: string, url: string, headers: Record<string, string>, payload?: object) =>
  app.inject({ method: method as 'GET', url: `/api/admin/knowledge${url}`, headers, ...(payload ? { payload } : {}) });
type Section = { organisation: { contacts: { type: string; value: string; label?: Record<string, string>; office?: string }[]; website: string; name: Record<string, string> }; offices: { name: Record<string, string>; phone: string }[] };
const published = async (org: string): Promise<Section> => (await call('GET', `/orgs/${org}`, bearer(TOKEN))).json().section;
const withPhone = (s: Section, value = NUMBER): Section => ({ ...s, organisation: { ...s.organisation, contacts: [...s.organisation.contacts, { type: 'phone', value, label: { es: 'Atención telefónica', ca: 'Atenció telefònica' } }] } });
/** What a change could have touched: the facts in service, the drafts, the log. */
const state = async () => ({ kb: bot.knowledge.base, drafts: await bot.versions.drafts(), log: await bot.versions.log.size(), head: await bot.versions.history.size() });
const chatPhone = async (lang: 'ca' | 'sv') => (await app.inject({ method: 'POST', url: '/api/chat', payload: { text: lang === 'ca' ? 'Quin és el número de telèfon?' : 'Vilket telefonnummer har ni?', lang, org: 'paiporta' } })).json().reply.text as string;

describe('the facts staff keep, through the API', () => {
  it('an editor of Paiporta cannot read or touch Elche\'s facts: 403, and nothing changes', async () => {
    const before = await state();
    const elche = await published('elche');
    const admin = await call('PUT', '/drafts/elche', bearer(TOKEN), { revision: 0, section: elche });
    expect(admin.statusCode).toBe(200); // an admin's draft of Elche, for the editor to try to publish or discard
    const withDraft = await state();
    const refused: [string, string, object?][] = [
      ['GET', '/orgs/elche'],
      ['GET', '/drafts/elche'],
      ['PUT', '/drafts/elche', { revision: 1, section: withPhone(elche, '965 00 00 00') }],
      ['POST', '/drafts/elche/preview', {}],
      ['POST', '/drafts/elche/publish', { revision: 1 }],
      ['DELETE', '/drafts/elche'],
      ['POST', '/versions/1/rollback', { org: 'elche' }],
      ['POST', '/versions/1/rollback', {}],
      ['GET', '/drafts/_all'],
    ];
    for (const [method, url, body] of refused) {
      const res = await call(method, url, withSession(ana), body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
    expect(await state()).toEqual(withDraft);
    expect((await call('DELETE', '/drafts/elche', bearer(TOKEN))).statusCode).toBe(200);
    expect((await state()).drafts).toEqual(before.drafts);
    // The overview lists only Paiporta to her.
    expect((await call('GET', '', withSession(ana))).json()).toMatchObject({ organisations: ['paiporta'], serving: 0 });
    // A viewer keeps no facts at all.
    await addStaff(app, TOKEN, { username: 'vera', role: 'viewer', orgs: ['paiporta'] });
    expect((await call('GET', '/orgs/paiporta', withSession(await logIn(app, 'vera')))).statusCode).toBe(403);
  });

  it('a change made with the session needs its CSRF token: missing or wrong, 403 and nothing kept', async () => {
    const before = await state();
    const section = withPhone(await published('paiporta'));
    for (const csrf of [null, 'wrong-token', eli.csrf]) {
      const res = await call('PUT', '/drafts/paiporta', withSession(ana, csrf), { revision: 0, section });
      expect(res.statusCode, String(csrf)).toBe(403);
    }
    expect(await state()).toEqual(before);
  });

  it('checks every field before anything is kept: which field and why, and nothing saved', async () => {
    const before = await state();
    const good = await published('paiporta');
    const bad: Section = {
      ...good,
      organisation: {
        ...good.organisation,
        website: 'javascript:alert(1)',
        name: { ...good.organisation.name, es: '' },
        contacts: [
          { type: 'phone', value: '96 00 00' },
          { type: 'email', value: 'urp-at-paiporta' },
          { type: 'pec', value: 'protocollo@' },
          { type: 'phone', value: NUMBER, office: 'elche-centro' },
          { type: 'phone', value: NUMBER, label: { xx: 'label' } },
        ],
      },
      offices: good.offices.map((o) => ({ ...o, phone: '123', name: { ...o.name, es: '   ' } })),
    };
    const res = await call('PUT', '/drafts/paiporta', withSession(ana), { revision: 0, section: bad });
    expect(res.statusCode).toBe(400);
    const problems = res.json().problems as { path: string; code: string }[];
    expect(problems.map((p) => `${p.path} ${p.code}`).sort()).toEqual(
      [
        'organisation.website web',
        'organisation.name.es required',
        'organisation.contacts.0.value phone',
        'organisation.contacts.1.value email',
        'organisation.contacts.2.value email',
        'organisation.contacts.3.office office',
        'organisation.contacts.4.label.xx language',
        'offices.0.phone phone',
        'offices.0.name.es required',
      ].sort(),
    );
    // A kind of contact there is not, and a value too short for any: the schema's refusals, field by field too.
    const schema = await call('PUT', '/drafts/paiporta', withSession(ana), { revision: 0, section: { ...good, organisation: { ...good.organisation, contacts: [{ type: 'fax', value: '96' }] } } });
    expect(schema.statusCode).toBe(400);
    expect(schema.json().problems.map((p: { path: string; code: string }) => `${p.path} ${p.code}`).sort()).toEqual(['organisation.contacts.0.type schema', 'organisation.contacts.0.value phone']);
    expect(await state()).toEqual(before);
  });

  it('takes the facts of a council of many offices (over the 64 KiB of the API\'s other bodies); nothing serves from a draft', async () => {
    const good = await published('paiporta');
    const office = good.offices[0] as unknown as Record<string, unknown>;
    const many = { ...good, offices: [office, ...Array.from({ length: 120 }, (_, i) => ({ ...office, id: `paiporta-office-${i}` }))] };
    expect(JSON.stringify(many).length).toBeGreaterThan(128 * 1024);
    const res = await call('PUT', '/drafts/paiporta', withSession(ana), { revision: 0, section: many });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect((await call('DELETE', '/drafts/paiporta', withSession(ana))).statusCode).toBe(200);
    expect(bot.knowledge.officesOf('paiporta')).toHaveLength(1);
  });

  let before: Record<'ca' | 'sv', string>;
  it('keeps a draft that serves nothing, previews it with the real dialogue, then publishes it: it serves at once', async () => {
    before = { ca: await chatPhone('ca'), sv: await chatPhone('sv') };
    const saved = await call('PUT', '/drafts/paiporta', withSession(ana), { revision: 0, section: withPhone(await published('paiporta')) });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().draft).toMatchObject({ scope: 'paiporta', revision: 1, basedOn: 0, by: 'ana' });
    expect(await chatPhone('ca')).toBe(before.ca); // a draft serves nothing
    // A second save must name the revision it edits: an older one is refused.
    expect((await call('PUT', '/drafts/paiporta', withSession(ana), { revision: 0, section: await published('paiporta') })).statusCode).toBe(409);

    const preview = await call('POST', '/drafts/paiporta/preview', withSession(ana), { langs: ['ca', 'sv'] });
    expect(preview.statusCode, preview.body).toBe(200);
    const answers = preview.json().answers as { lang: string; question: string; now: string; after: string }[];
    expect(new Set(answers.map((a) => a.lang))).toEqual(new Set(['ca', 'sv']));
    for (const lang of ['ca', 'sv'] as const) {
      const phone = answers.find((a) => a.lang === lang && a.now === before[lang])!;
      expect(phone.after, lang).toContain(lang === 'ca' ? NUMBER : '+34 960 00 00 00');
    }
    const draft = (await call('GET', '/drafts/paiporta', withSession(ana))).json().draft;
    expect(draft.changes).toEqual([{ kind: 'organisation', id: 'paiporta', org: 'paiporta', change: 'changed', fields: expect.arrayContaining([{ field: 'contacts.0.value', before: '', after: NUMBER }]) }]);

    expect((await call('POST', '/drafts/paiporta/publish', withSession(ana), { revision: 2 })).statusCode).toBe(409); // not what was previewed
    const published2 = await call('POST', '/drafts/paiporta/publish', withSession(ana), { revision: 1 });
    expect(published2.statusCode, published2.body).toBe(200);
    expect(published2.json().version).toMatchObject({ n: 2, by: 'ana', action: 'publish', orgs: ['paiporta'] });
    expect(await chatPhone('ca')).toContain(NUMBER);
    expect(await chatPhone('sv')).toContain('+34 960 00 00 00');
    expect((await call('GET', '/drafts/paiporta', withSession(ana))).statusCode).toBe(404); // the draft went with it
    // The files no longer serve: reloading them is refused, the version stays.
    const reload = await app.inject({ method: 'POST', url: '/api/admin/knowledge/reload', headers: bearer(TOKEN) });
    expect(reload.statusCode).toBe(409);
    expect(await chatPhone('ca')).toContain(NUMBER);
  });

  it('keeps every version with who and when and a readable diff, and rolls back to one as a new version', async () => {
    const list = (await call('GET', '/versions', withSession(ana))).json().versions;
    expect(list.map((v: { n: number; action: string; by: string }) => `${v.n} ${v.action} ${v.by}`)).toEqual(['2 publish ana', '1 seed knowledge/']);
    const diff = (await call('GET', '/versions/2', withSession(eli))).json();
    expect(diff.changes).toEqual([]); // Elche's editor sees no change of Paiporta's
    expect((await call('GET', '/versions/2', withSession(ana))).json().changes[0].fields).toContainEqual({ field: 'contacts.0.label.ca', before: '', after: 'Atenció telefònica' });

    const rolled = await call('POST', '/versions/1/rollback', withSession(ana), { org: 'paiporta' });
    expect(rolled.statusCode, rolled.body).toBe(200);
    expect(rolled.json().version).toMatchObject({ n: 3, action: 'rollback', restores: 1, by: 'ana', orgs: ['paiporta'] });
    expect({ ca: await chatPhone('ca'), sv: await chatPhone('sv') }).toEqual(before);
    expect((await call('POST', '/versions/1/rollback', withSession(ana), { org: 'paiporta' })).json()).toMatchObject({ statusCode: 409, reason: 'unchanged' });
    expect((await call('POST', '/versions/9/rollback', withSession(ana), { org: 'paiporta' })).statusCode).toBe(404);
  });

  it('logs who did what: drafts, publications, rollbacks (each editor sees their organisations\')', async () => {
    const log = (await call('GET', '/log', withSession(ana))).json().entries as { actor: string; action: string; scope: string; version?: number }[];
    expect(log.map((e) => `${e.actor} ${e.action} ${e.scope} ${e.version ?? ''}`.trim())).toEqual(['ana rollback paiporta 3', 'ana publish paiporta 2', 'ana draft paiporta', 'ana discard paiporta', 'ana draft paiporta']);
    // Elche's editor sees Elche's only: the admin's draft of it and its discarding.
    expect((await call('GET', '/log', withSession(eli))).json().entries.map((e: { actor: string; action: string; scope: string }) => `${e.actor} ${e.action} ${e.scope}`)).toEqual(['api-token discard elche', 'api-token draft elche']);
    const all = (await call('GET', '/log?limit=2', bearer(TOKEN))).json();
    expect(all.entries).toHaveLength(2);
    expect(all.next).toBeGreaterThan(0);
  });

  it('a published version survives a restart and is in backups', async () => {
    const section = withPhone(await published('paiporta'));
    await call('PUT', '/drafts/paiporta', withSession(ana), { revision: 0, section });
    expect((await call('POST', '/drafts/paiporta/publish', withSession(ana), { revision: 1 })).statusCode).toBe(200);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'knowledge-backup-')), 'b.tar.gz');
    await backup({ STORE: 'sqlite', DATA_DIR: dataDir, REDIS_URL: undefined }, file);
    await app.close();
    await bot.close();
    // The same DATA_DIR: a restart.
    ({ bot, app } = await startApp({ ADMIN_TOKEN: TOKEN, STORE: 'sqlite', DATA_DIR: dataDir }));
    expect(bot.versions.serving).toBe(4);
    expect(await chatPhone('ca')).toContain(NUMBER);
    // The backup restored into a new DATA_DIR: another server, the same facts.
    const restored = fs.mkdtempSync(path.join(os.tmpdir(), 'knowledge-restored-'));
    await restore({ STORE: 'sqlite', DATA_DIR: restored, REDIS_URL: undefined }, file);
    const other = await startApp({ STORE: 'sqlite', DATA_DIR: restored });
    try {
      expect(other.bot.versions.serving).toBe(4);
      const res = await other.app.inject({ method: 'POST', url: '/api/chat', payload: { text: 'Quin és el número de telèfon?', lang: 'ca', org: 'paiporta' } });
      expect(res.json().reply.text).toContain(NUMBER);
    } finally {
      await other.app.close();
      await other.bot.close();
    }
  });
});
