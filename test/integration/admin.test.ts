import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import { ROOT } from '../../src/config.js';
import { testConfig, say, sessionOf } from '../support/helpers.js';

const TOKEN = 'test-admin-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
const open: { bot: ChatCore; app: FastifyInstance }[] = [];

async function start(env: Record<string, string> = {}) {
  const bot = await assemble(testConfig({ ADMIN_TOKEN: TOKEN, ...env }));
  const app = buildApp({ bot, adminToken: bot.config.ADMIN_TOKEN });
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
const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
const patch = (app: FastifyInstance, id: string, payload: unknown, headers: Record<string, string> = auth) =>
  app.inject({ method: 'PATCH', url: `/api/admin/offices/${id}`, headers, payload: payload as object });

describe('admin API', () => {
  it('is off without ADMIN_TOKEN and says so', async () => {
    const bot = await assemble(testConfig());
    const app = buildApp({ bot });
    open.push({ bot, app });
    const res = await app.inject({ method: 'GET', url: '/api/admin/offices' });
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toMatch(/ADMIN_TOKEN/);
  });

  it('refuses a wrong or missing token with 401 and changes nothing', async () => {
    const { app, bot } = await start();
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong-token-wrong-token' }, { authorization: TOKEN }];
    for (const headers of attempts) {
      const res = await patch(app, 'elche-el-altet', { status: 'open' }, headers);
      expect(res.statusCode).toBe(401);
    }
    expect(bot.knowledge.office('elche-el-altet')!.status).toBe('reopening');
    expect(await bot.live.auditLog()).toEqual([]);
  });

  it('changes a status in one call; the next answer reflects it; the change is audit-logged', async () => {
    const { app } = await start();
    const before = await say(app, 'admin-1', 'Is OMAC El Altet open?');
    expect(before.reply.text).toMatch(/OMAC El Altet is still closed/);
    const res = await patch(app, 'elche-el-altet', { status: 'open', note: { en: 'Reopened after the security updates.' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().office).toMatchObject({ id: 'elche-el-altet', status: 'open' });
    const after = await say(app, 'admin-2', 'Is OMAC El Altet open?');
    expect(after.reply.text).toMatch(/OMAC El Altet is open/);
    expect(after.reply.text).toContain('Reopened after the security updates.');
    const audit = await app.inject({ method: 'GET', url: '/api/admin/audit', headers: auth });
    expect(audit.json().entries).toEqual([
      expect.objectContaining({ office: 'elche-el-altet', before: expect.objectContaining({ status: 'reopening' }), after: expect.objectContaining({ status: 'open' }) }),
    ]);
    const board = await app.inject({ method: 'GET', url: '/api/admin/offices', headers: auth });
    expect(board.json().offices.find((o: { id: string }) => o.id === 'elche-el-altet').status).toBe('open');
  });

  it('refuses bad values with 400 and unknown offices with 404', async () => {
    const { app } = await start();
    for (const payload of [{ status: 'ajar' }, { status: 1 }, {}, { note: { fr: 'x' } }, { colour: 'red' }]) {
      expect((await patch(app, 'elche-centro', payload)).statusCode).toBe(400);
    }
    const bad = await app.inject({ method: 'PATCH', url: '/api/admin/offices/elche-centro', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"status":' });
    expect(bad.statusCode).toBe(400);
    expect((await patch(app, 'atlantis', { status: 'open' })).statusCode).toBe(404);
  });

  it('keeps changes across a restart (SQLite under DATA_DIR)', async () => {
    const dir = tmp('data-');
    const first = await start({ STORE: 'sqlite', DATA_DIR: dir });
    expect((await patch(first.app, 'elche-torrellano', { status: 'closed' })).statusCode).toBe(200);
    await first.app.close();
    await first.bot.close();
    open.splice(0);
    const second = await start({ STORE: 'sqlite', DATA_DIR: dir });
    expect(second.bot.knowledge.office('elche-torrellano')!.status).toBe('closed');
    expect(await second.bot.live.auditLog()).toHaveLength(1);
  });

  it('refuses an invalid knowledge base on reload and keeps the old one serving', async () => {
    const dir = tmp('kb-');
    for (const f of fs.readdirSync(path.join(ROOT, 'knowledge'))) fs.copyFileSync(path.join(ROOT, 'knowledge', f), path.join(dir, f));
    const { app } = await start({ KNOWLEDGE_DIR: dir });
    fs.writeFileSync(path.join(dir, 'offices.yaml'), '- id: broken\n  status: maybe\n');
    const res = await app.inject({ method: 'POST', url: '/api/admin/knowledge/reload', headers: auth });
    expect(res.statusCode).toBe(422);
    expect(res.json().problems[0]).toMatchObject({ file: 'offices.yaml' });
    const still = await say(app, 'reload-1', 'Is OMAC Torrellano open?');
    expect(still.reply.text).toMatch(/OMAC Torrellano has reopened/);
    fs.copyFileSync(path.join(ROOT, 'knowledge', 'offices.yaml'), path.join(dir, 'offices.yaml'));
    expect((await app.inject({ method: 'POST', url: '/api/admin/knowledge/reload', headers: auth })).statusCode).toBe(200);
  });

  it('counts questions and keeps unanswered ones with personal data redacted', async () => {
    const { app } = await start();
    await say(app, 'stats-1', 'Is OMAC Torrellano open?');
    await say(app, 'stats-2', 'my DNI is 12345678Z and my phone 600 123 456, mail me at ana@example.com, what about the football?');
    const res = await app.inject({ method: 'GET', url: '/api/admin/stats', headers: auth });
    const stats = res.json();
    expect(stats.total).toBe(2);
    expect(stats.intents.office_status).toBe(1);
    expect(stats.offices['elche-torrellano']).toBe(1);
    expect(stats.channels.web).toBe(2);
    const kept = JSON.stringify(stats.unanswered);
    expect(kept).not.toMatch(/12345678Z|600 123 456|ana@example\.com/);
    expect(kept).toMatch(/\[id\].*\[phone\].*\[email\]/);
    const bad = await app.inject({ method: 'GET', url: '/api/admin/stats?from=yesterday', headers: auth });
    expect(bad.statusCode).toBe(400);
  });
});

describe('subscriptions on the web chat', () => {
  it('each subscriber gets exactly one notice, in its own language, at its next poll', async () => {
    const { app } = await start();
    const people = [
      ['web-es', 'Avísame cuando abra la OMAC de El Altet', 'es'],
      ['web-it', "Avvisami quando riapre l'OMAC El Altet", 'it'],
      ['web-sv', 'Meddela mig när OMAC El Altet öppnar igen', 'sv'],
    ] as const;
    for (const [id, text] of people) expect((await say(app, id, text)).nlu.intent).toBe('subscribe_updates');
    await patch(app, 'elche-el-altet', { status: 'open' });
    for (const [id, , lang] of people) {
      const poll = () => app.inject({ method: 'GET', url: `/api/chat/${sessionOf(id)}/notifications` }).then((r) => r.json().notifications);
      let notices: string[] = [];
      for (let i = 0; i < 50 && notices.length === 0; i++) {
        notices = await poll();
        if (!notices.length) await new Promise((r) => setTimeout(r, 20));
      }
      expect(notices, id).toHaveLength(1);
      expect(notices[0]).toContain('OMAC El Altet');
      const t = open[0].bot.texts.t(lang);
      expect(notices[0]).toContain(t('notify.changed', { office: 'OMAC El Altet' }));
      expect(await poll()).toEqual([]);
    }
  });
});
