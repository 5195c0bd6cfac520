import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { ROOT } from '../../src/config.js';
import { startApp } from '../support/helpers.js';
import { bearer } from '../support/staff.js';

// `npm run admin -- knowledge export DIR` and `knowledge import DIR [--draft]` on the SQLite files
// of a server that runs (DATA_DIR): the files stay the format, and a round trip is byte-stable.

const TOKEN = 'knowledge-cli-admin-token-0123456789';
/** A test's number for Paiporta's phone help (valid in Spain; no source gives one). */
const NUMBER = '960 00 00 00';
const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `knowledge-cli-${name}-`));
const dataDir = tmp('data');
let bot: ChatCore;
let app: FastifyInstance;

beforeAll(async () => {
  ({ bot, app } = await startApp({ ADMIN_TOKEN: TOKEN, STORE: 'sqlite', DATA_DIR: dataDir }));
});
afterAll(async () => {
  await app?.close();
  await bot?.close();
});

const admin = (dir: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', 'knowledge', ...args], { cwd: ROOT, env: { ...process.env, STORE: 'sqlite', DATA_DIR: dir, LOG_LEVEL: 'silent' }, encoding: 'utf8' });
const files = (dir: string) => Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f))]));
const phone = async () => (await app.inject({ method: 'POST', url: '/api/chat', payload: { text: '¿Cuál es el número de teléfono?', lang: 'es', org: 'paiporta' } })).json().reply.text as string;
async function until(check: () => Promise<boolean>): Promise<number> {
  const start = performance.now();
  while (!(await check()) && performance.now() - start < 5000) await new Promise((r) => setTimeout(r, 20));
  return performance.now() - start;
}

describe('knowledge export and import, on the store of a running server', () => {
  let exported: string;
  it('exports the version in service as the four files of knowledge/', async () => {
    const { section } = (await app.inject({ method: 'GET', url: '/api/admin/knowledge/orgs/paiporta', headers: bearer(TOKEN) })).json();
    section.organisation.contacts.push({ type: 'phone', value: NUMBER, label: { es: 'Atención telefónica' } });
    expect((await app.inject({ method: 'PUT', url: '/api/admin/knowledge/drafts/paiporta', headers: bearer(TOKEN), payload: { revision: 0, section } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/admin/knowledge/drafts/paiporta/publish', headers: bearer(TOKEN), payload: { revision: 1 } })).statusCode).toBe(200);
    exported = path.join(tmp('a'), 'knowledge');
    const run = admin(dataDir, 'export', exported);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('version 2');
    expect(Object.keys(files(exported))).toEqual(['offices.yaml', 'organisations.yaml', 'procedures.yaml', 'services.yaml']);
    expect(fs.readFileSync(path.join(exported, 'organisations.yaml'), 'utf8')).toContain(`value: ${NUMBER}`);
  });

  it('export → import → export is byte-stable', () => {
    const other = tmp('other');
    const first = admin(other, 'import', exported);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('published as version 2'); // version 1 keeps the files it replaced
    const again = path.join(tmp('b'), 'knowledge');
    expect(admin(other, 'export', again).status).toBe(0);
    expect(files(again)).toEqual(files(exported));
    const same = admin(other, 'import', again);
    expect(same.status).toBe(0);
    expect(same.stdout).toContain('unchanged');
  });

  it('refuses invalid files as the console refuses them, saying where and why; nothing is imported', async () => {
    const bad = path.join(tmp('bad'), 'knowledge');
    fs.cpSync(exported, bad, { recursive: true });
    const file = path.join(bad, 'organisations.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(`value: ${NUMBER}`, 'value: 96 00'));
    const head = await bot.versions.history.size();
    const run = admin(dataDir, 'import', bad);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/paiporta: organisation\.contacts\.0\.value: not a valid phone number in ES/);
    expect(await bot.versions.history.size()).toBe(head);
  });

  it('imports into the running server: kept as a draft with --draft, published at once without; served within 2 s', async () => {
    const edited = path.join(tmp('edited'), 'knowledge');
    fs.cpSync(exported, edited, { recursive: true });
    const file = path.join(edited, 'organisations.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(`value: ${NUMBER}`, 'value: 960 11 11 11'));
    const draft = admin(dataDir, 'import', edited, '--draft');
    expect(draft.status, draft.stderr).toBe(0);
    const kept = (await app.inject({ method: 'GET', url: '/api/admin/knowledge/drafts/_all', headers: bearer(TOKEN) })).json().draft;
    expect(kept.changes).toEqual([{ kind: 'organisation', id: 'paiporta', org: 'paiporta', change: 'changed', fields: [{ field: 'contacts.0.value', before: NUMBER, after: '960 11 11 11' }] }]);
    expect(await phone()).toContain(NUMBER); // a draft serves nothing
    const published = admin(dataDir, 'import', edited);
    expect(published.status, published.stderr).toBe(0);
    const took = await until(async () => (await phone()).includes('960 11 11 11'));
    console.log(`an import from the terminal served ${Math.round(took)} ms after the command ended`);
    expect(took).toBeLessThan(2000);
    // The draft of the same facts now publishes nothing: they serve already.
    const stale = await app.inject({ method: 'POST', url: '/api/admin/knowledge/drafts/_all/publish', headers: bearer(TOKEN), payload: { revision: kept.revision } });
    expect(stale.json()).toMatchObject({ statusCode: 409 });
  });
});
