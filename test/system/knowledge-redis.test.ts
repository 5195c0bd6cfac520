import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ROOT } from '../../src/config.js';
import { dumpKeys } from '../../src/storage/backup/redis.js';
import { onOneRedis } from '../support/shared-redis.js';
import { bearer } from '../support/staff.js';

// #32 on two instances sharing a real redis-server, each checking the head every
// KNOWLEDGE_POLL_MS (its default, 1000): a version published on one serves on the other within 2 s;
// two publications at once both become versions; an import from the terminal serves on both.

const TOKEN = 'knowledge-redis-admin-token-0123456789';
const shared = onOneRedis({ ADMIN_TOKEN: TOKEN });
const { instances } = shared;
/** Test numbers, valid in Spain (no source gives one). */
const PAIPORTA = '960 00 00 00';
const ELCHE = '965 00 00 00';

const knowledge = (app: FastifyInstance, method: string, url: string, payload?: object) =>
  app.inject({ method: method as 'GET', url: `/api/admin/knowledge${url}`, headers: bearer(TOKEN), ...(payload ? { payload } : {}) });
const phoneOf = async (app: FastifyInstance, org: string) =>
  (await app.inject({ method: 'POST', url: '/api/chat', payload: { text: '¿Cuál es el número de teléfono?', lang: 'es', org } })).json().reply.text as string;

/** Saves a draft of the organisation with one more phone contact; its revision. */
async function draftPhone(app: FastifyInstance, org: string, value: string): Promise<number> {
  const { section } = (await knowledge(app, 'GET', `/orgs/${org}`)).json();
  section.organisation.contacts.push({ type: 'phone', value });
  const res = await knowledge(app, 'PUT', `/drafts/${org}`, { revision: 0, section });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().draft.revision;
}

/** Milliseconds until every instance answers with `value`, asking every 20 ms (at most 5 s). */
async function untilServed(org: string, value: string, start: number): Promise<number> {
  for (const { app } of instances) {
    while (!(await phoneOf(app, org)).includes(value) && performance.now() - start < 5000) await new Promise((r) => setTimeout(r, 20));
    expect(await phoneOf(app, org)).toContain(value);
  }
  return performance.now() - start;
}

describe('the knowledge staff publish, on two instances sharing a redis-server', () => {
  it('a version published on one instance serves on the other within 2 s', async () => {
    const [a, b] = instances;
    const t0 = performance.now();
    await phoneOf(b.app, 'paiporta');
    const normal = performance.now() - t0;
    expect(await phoneOf(b.app, 'paiporta')).not.toContain(PAIPORTA);
    const revision = await draftPhone(a.app, 'paiporta', PAIPORTA);
    const start = performance.now();
    const res = await knowledge(a.app, 'POST', '/drafts/paiporta/publish', { revision });
    expect(res.statusCode, res.body).toBe(200);
    const took = await untilServed('paiporta', PAIPORTA, start);
    console.log(`a published version served by both instances ${Math.round(took)} ms after it was published (a chat request alone: ${normal.toFixed(1)} ms)`);
    expect(took).toBeLessThan(2000);
    expect(b.bot.versions.serving).toBe(2);
  }, 30_000);

  it('two organisations published at once on the two instances: both are kept, one version each', async () => {
    const [a, b] = instances;
    const [ra, rb] = [await draftPhone(a.app, 'elche', ELCHE), await draftPhone(b.app, 'ats-insubria', '+39 031 000000')];
    const [x, y] = await Promise.all([knowledge(a.app, 'POST', '/drafts/elche/publish', { revision: ra }), knowledge(b.app, 'POST', '/drafts/ats-insubria/publish', { revision: rb })]);
    expect([x.statusCode, y.statusCode]).toEqual([200, 200]);
    expect([x.json().version.n, y.json().version.n].sort()).toEqual([3, 4]);
    await untilServed('elche', ELCHE, performance.now());
    await untilServed('ats-insubria', '031 000000', performance.now());
    expect(await phoneOf(a.app, 'paiporta')).toContain(PAIPORTA); // the first publication stays
  }, 30_000);

  it('`knowledge export` and `knowledge import` work against the Redis the instances share, while they run', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knowledge-redis-cli-'));
    const env = { ...process.env, STORE: 'redis', REDIS_URL: shared.redis.url, LOG_LEVEL: 'silent', DATA_DIR: dir };
    const admin = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', 'knowledge', ...args], { cwd: ROOT, env, encoding: 'utf8' });
    const exported = admin('export', path.join(dir, 'out'));
    expect(exported.status, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('version 4');
    const file = path.join(dir, 'out', 'organisations.yaml');
    const yaml = fs.readFileSync(file, 'utf8');
    expect(yaml).toContain(PAIPORTA);
    fs.writeFileSync(file, yaml.replace(PAIPORTA, '960 11 11 11'));
    const start = performance.now();
    const imported = admin('import', path.join(dir, 'out'));
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('published as version 5');
    await untilServed('paiporta', '960 11 11 11', start);
    const log = (await knowledge(instances[1].app, 'GET', '/log?limit=1')).json().entries[0];
    expect(log).toMatchObject({ action: 'import', version: 5, actor: `cli:${os.userInfo().username}` });
  }, 60_000);

  it('a backup of the Redis holds every version, the drafts and the log', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'knowledge-redis-backup-')), 'redis.jsonl');
    await dumpKeys(shared.redis.url, file);
    const keys = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { key: string }).key);
    expect(keys).toEqual(expect.arrayContaining(['chatbot:knowledge:head', 'chatbot:knowledge:versions', 'chatbot:knowledge:summaries', 'chatbot:knowledge:log']));
  });
});
