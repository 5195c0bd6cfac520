import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Worker } from 'node:worker_threads';
import { ROOT } from '../../src/config.js';
import type { ChatCore } from '../../src/app/chat-core.js';
import { postChat, startApp } from '../support/helpers.js';
import { addStaff, bearer, logIn, withSession, type StaffLogin } from '../support/staff.js';

const TOKEN = 'teaching-admin-token-0123456789';
let bot: ChatCore;
let app: FastifyInstance;
let elche: StaffLogin; // an editor of Elche
let paiporta: StaffLogin; // an editor of Paiporta
let cacheDir: string;

// The miss: a citizen who needs the padrón certificate to enrol a child, in words intents/ lacks.
const MISS = 'tengo que sacar el volante para matricular al niño';
const PARAPHRASE = 'me piden el volante para matricular a mi hija en el cole';
const UNSEEN = 'necesito el volante para matricular a mi hijo en el instituto';

beforeAll(async () => {
  // The NLU on its thread, as in production: the retraining runs on a third one. A model cache of
  // its own: every retraining here really trains (none was cached by an earlier run).
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'teach-cache-'));
  ({ bot, app } = await startApp({ ADMIN_TOKEN: TOKEN, NLU_THREAD: 'true', NLU_CACHE_DIR: cacheDir }));
  await addStaff(app, TOKEN, { username: 'elena', role: 'editor', orgs: ['elche'] });
  await addStaff(app, TOKEN, { username: 'pau', role: 'editor', orgs: ['paiporta'] });
  [elche, paiporta] = [await logIn(app, 'elena'), await logIn(app, 'pau')];
}, 60_000);
afterAll(async () => {
  await app?.close();
  await bot?.close();
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

const get = (url: string, s: StaffLogin) => app.inject({ method: 'GET', url, headers: withSession(s) });
const post = (url: string, s: StaffLogin, payload: object) => app.inject({ method: 'POST', url, headers: withSession(s), payload });
const review = async (s: StaffLogin) => (await get('/api/admin/review', s)).json().items as { id: string; text: string; count: number; orgs: string[]; channels: string[]; guesses: unknown[]; lang: string }[];
/** How an Elche conversation reads a message (what Elche's editor taught is read in Elche's conversations only). */
const intentOf = async (text: string, session: string) => (await postChat(app, { sessionId: session, text, lang: 'es', org: 'elche' })).json().nlu.intent;

describe('the review list', () => {
  it('groups the same message after normalisation, redacts it as the statistics do, and shows editors their organisations only', async () => {
    await postChat(app, { sessionId: 'rv-1', text: 'Mi perro se llama Toby, escribid a toby.owner@example.com o al 612 345 678', org: 'elche' });
    await postChat(app, { sessionId: 'rv-2', text: 'mi perro se llama toby escribid a toby.owner@example.com o al 612345678!!', org: 'elche' });
    await postChat(app, { sessionId: 'rv-3', text: '¿Cuál es vuestro equipo de fútbol favorito?', org: 'paiporta' });
    const mine = await review(elche);
    const dog = mine.find((i) => i.text.startsWith('Mi perro') || i.text.startsWith('mi perro'));
    expect(dog, JSON.stringify(mine)).toBeDefined();
    expect(dog!.count).toBe(2);
    expect(dog!.text).toContain('[email]');
    expect(dog!.text).toContain('[phone]');
    expect(JSON.stringify(mine)).not.toMatch(/toby\.owner|612/);
    expect(dog).toMatchObject({ lang: 'es', orgs: ['elche'], channels: ['web'] });
    expect(dog!.guesses.length).toBeGreaterThan(0);
    expect(mine.some((i) => i.text.includes('fútbol'))).toBe(false);
    const theirs = await review(paiporta);
    expect(theirs.some((i) => i.text.includes('fútbol'))).toBe(true);
    expect(theirs.some((i) => i.id === dog!.id)).toBe(false);
    // Nor may they decide about it.
    expect((await post(`/api/admin/review/${dog!.id}`, paiporta, { intent: 'dismiss' })).statusCode).toBe(404);
    expect((await post(`/api/admin/review/${dog!.id}`, elche, { intent: 'dismiss' })).json()).toEqual({ dismissed: dog!.id });
    expect((await review(elche)).some((i) => i.id === dog!.id)).toBe(false);
  });

  it('refuses bad input with a 400 and a viewer with a 403', async () => {
    await addStaff(app, TOKEN, { username: 'vito', role: 'viewer', orgs: ['elche'] });
    const viewer = await logIn(app, 'vito');
    expect((await get('/api/admin/review', viewer)).statusCode).toBe(403);
    expect((await get('/api/admin/review?from=2025-02-30', elche)).statusCode).toBe(400);
    expect((await post('/api/admin/examples', elche, { text: 'hola', lang: 'es', intent: 'no_such_intent' })).statusCode).toBe(400);
    expect((await post('/api/admin/examples', elche, { text: '?!', lang: 'es', intent: 'greeting' })).statusCode).toBe(400);
    expect((await post('/api/admin/examples', elche, { text: 'hola', lang: 'es', intent: 'greeting', extra: 1 })).statusCode).toBe(400);
    expect((await post('/api/admin/examples', elche, { text: 'hola buenas', lang: 'es', intent: 'greeting', org: 'paiporta' })).statusCode).toBe(403);
  });
});

describe('teaching live', () => {
  it('a miss taught with a paraphrase is understood within 5 s, while chat load gets no error and no reply slower than 100 ms', async () => {
    expect(await intentOf(MISS, 'live-before')).toBe('out_of_scope');
    expect(await intentOf(UNSEEN, 'live-before-2')).not.toBe('certificate_request');
    await postChat(app, { sessionId: 'live-miss', text: MISS, org: 'elche' });
    const item = (await review(elche)).find((i) => i.text === MISS);
    expect(item).toBeDefined();

    // The chat load: a request every 10 ms or so (one after another) across sessions, each timed.
    let stop = false;
    let latencies: number[] = [];
    const failures: string[] = [];
    const load = (async () => {
      for (let n = 0; !stop; n++) {
        const t = performance.now();
        const res = await postChat(app, { sessionId: `load-${n % 20}`, text: n % 2 ? '¿Está abierta la OMAC de Altabix?' : 'necesito un certificado de empadronamiento' });
        latencies.push(performance.now() - t);
        if (res.statusCode !== 200) failures.push(`${res.statusCode} ${res.body}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    // The same load for a second before teaching: on a busy host the slowest normal reply may pass
    // 100 ms by itself; the bound is the 100 ms, or three times that reply if it is slower.
    await new Promise((r) => setTimeout(r, 1000));
    const normalSlowest = Math.max(...latencies);
    latencies = [];

    const start = performance.now();
    // Taught together, as staff at the console would in quick succession.
    const [taught, paraphrase] = await Promise.all([
      post(`/api/admin/review/${item!.id}`, elche, { intent: 'certificate_request' }),
      post('/api/admin/examples', elche, { text: PARAPHRASE, lang: 'es', intent: 'certificate_request' }),
    ]);
    const taughtAt = performance.now();
    expect(taught.statusCode, taught.body).toBe(201);
    expect(taught.json().example).toMatchObject({ text: MISS, lang: 'es', intent: 'certificate_request', by: 'elena', org: 'elche', review: item!.id });
    expect(paraphrase.statusCode, paraphrase.body).toBe(201);
    let understood = false;
    let read = '';
    while (!understood && performance.now() - start < 5000) {
      read = await intentOf(UNSEEN, `live-after-${Math.round(performance.now())}`);
      understood = read === 'certificate_request';
      if (!understood) await new Promise((r) => setTimeout(r, 50));
    }
    const took = performance.now() - start;
    stop = true;
    await load;
    const slowest = Math.max(...latencies);
    console.log(`taught (${Math.round(taughtAt - start)} ms) and understood in ${Math.round(took)} ms (last read: ${read}); ${latencies.length} chat requests meanwhile, slowest ${slowest.toFixed(1)} ms (${normalSlowest.toFixed(1)} ms before)`);
    expect(understood).toBe(true);
    expect(took).toBeLessThan(5000);
    expect(failures).toEqual([]);
    expect(latencies.length).toBeGreaterThan(20);
    expect(slowest).toBeLessThan(Math.max(100, 3 * normalSlowest));

    const status = (await get('/api/admin/nlu', elche)).json();
    expect(status).toMatchObject({ taught: 2, training: false, fromCache: false });
    expect(status.trainingMs).toBeGreaterThan(0);
    expect(status.version).not.toBe('intents');
    expect(status.examples).toBeGreaterThan(4000);
    expect((await review(elche)).some((i) => i.id === item!.id)).toBe(false);
  }, 30_000);

  it('a new NLU thread, after one died, serves the taught examples again', async () => {
    const worker = (bot.nlu as unknown as { worker: Worker }).worker;
    await worker.terminate();
    const deadline = performance.now() + 10_000;
    let read = '';
    while (performance.now() < deadline) {
      read = await intentOf(UNSEEN, `restarted-${Math.round(performance.now())}`).catch(() => 'failed');
      if (read === 'certificate_request') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(read).toBe('certificate_request');
  }, 20_000);

  it('refuses a contradicting example with both: one of intents/, or one taught before', async () => {
    const res = await post('/api/admin/examples', elche, { text: 'Fe de vida', lang: 'es', intent: 'appointment' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ example: { text: 'Fe de vida', intent: 'appointment' }, contradicts: { text: 'fe de vida', intent: 'certificate_request', source: 'intents/certificate_request.yaml' } });
    const again = await post('/api/admin/examples', elche, { text: PARAPHRASE.toUpperCase() + '!', lang: 'es', intent: 'appointment' });
    expect(again.statusCode).toBe(409);
    expect(again.json().contradicts).toMatchObject({ text: PARAPHRASE, intent: 'certificate_request', source: 'taught' });
    expect((await get('/api/admin/nlu', elche)).json().taught).toBe(2);
  });

  it('exports the overlay as additions to intents/<intent>.yaml (admins only)', async () => {
    expect((await get('/api/admin/examples/export', elche)).statusCode).toBe(403);
    const res = await app.inject({ method: 'GET', url: '/api/admin/examples/export', headers: bearer(TOKEN) });
    expect(res.json().files).toEqual([{ path: 'intents/certificate_request.yaml', examples: 2, yaml: `intent: certificate_request\nexamples:\n  es:\n    - ${MISS}\n    - ${PARAPHRASE}\n` }]);
  });

  it('undo: an editor may not undo another organisation\'s example; undone, the model is retrained without it', async () => {
    const examples = (await get('/api/admin/examples', elche)).json().examples as { id: string; text: string }[];
    expect(examples.map((e) => e.text)).toEqual([MISS, PARAPHRASE]);
    expect((await get('/api/admin/examples', paiporta)).json().examples).toEqual([]);
    expect((await app.inject({ method: 'DELETE', url: `/api/admin/examples/${examples[1].id}`, headers: withSession(paiporta) })).statusCode).toBe(403);
    const undone = await app.inject({ method: 'DELETE', url: `/api/admin/examples/${examples[1].id}`, headers: withSession(elche) });
    expect(undone.statusCode, undone.body).toBe(200);
    expect(undone.json()).toMatchObject({ removed: { text: PARAPHRASE }, model: { taught: 1 } });
    expect((await get('/api/admin/examples', elche)).json().examples.map((e: { text: string }) => e.text)).toEqual([MISS]);
    expect((await app.inject({ method: 'DELETE', url: `/api/admin/examples/${examples[1].id}`, headers: withSession(elche) })).statusCode).toBe(404);
  }, 20_000);
});

describe('guard rail', () => {
  let dir: string;
  let own: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    // intents/ as it is, with a small validation set of its own: one message read wrong is 12.5 points.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teach-intents-'));
    fs.cpSync(path.join(ROOT, 'intents'), dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'validation/validation.yaml'),
      `out_of_scope:\n  en: ["will it snow over the mountains on sunday?", "tell me a funny story"]\noffice_hours:\n  en: ["what time does the centre office close?"]\ngreeting:\n  en: ["good morning to you"]\ncontact_phone:\n  en: ["which number should I ring?"]\ncertificate_request:\n  en: ["I need my registration certificate"]\nappointment:\n  en: ["I want to book an appointment"]\ngoodbye:\n  en: ["thanks, bye"]\n`,
    );
    own = await startApp({ ADMIN_TOKEN: TOKEN, INTENTS_DIR: dir });
  }, 60_000);
  afterAll(async () => {
    await own?.app.close();
    await own?.bot.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an example whose model does worse on the validation set, naming the confused intents; the serving model stays', async () => {
    const before = own.bot.teaching.status();
    const res = await own.app.inject({ method: 'POST', url: '/api/admin/examples', headers: bearer(TOKEN), payload: { text: 'will it snow over the mountains on sunday', lang: 'en', intent: 'office_hours' } });
    expect(res.statusCode, res.body).toBe(422);
    const { refusal, message } = res.json();
    expect(refusal.accuracyAfter).toBeLessThan(refusal.accuracyBefore - 0.01);
    expect(refusal.confused).toContainEqual({ expected: 'out_of_scope', got: 'office_hours', count: 1, examples: ['will it snow over the mountains on sunday?'] });
    expect(message).toContain('out_of_scope read as office_hours');
    expect(await own.bot.stores.examples.list()).toEqual([]);
    expect(own.bot.teaching.status()).toMatchObject({ version: before.version, taught: 0, lastRefusal: { accuracyAfter: refusal.accuracyAfter } });
  }, 30_000);
});

describe('after a restart', () => {
  it('the overlay survives and its model comes from the cache, not from a training', async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'teach-restart-'));
    const env = { ADMIN_TOKEN: TOKEN, STORE: 'sqlite', DATA_DIR: data };
    const first = await startApp(env);
    const text = 'quiero el volante del padrón para el colegio de mi hijo';
    const taught = await first.app.inject({ method: 'POST', url: '/api/admin/examples', headers: bearer(TOKEN), payload: { text, lang: 'es', intent: 'certificate_request' } });
    expect(taught.statusCode, taught.body).toBe(201);
    const trained = first.bot.teaching.status();
    await first.app.close();
    await first.bot.close();

    const second = await startApp(env);
    try {
      const status = (await second.app.inject({ method: 'GET', url: '/api/admin/nlu', headers: bearer(TOKEN) })).json();
      expect(status).toMatchObject({ version: trained.version, taught: 1, fromCache: true, trainingMs: 0 });
      expect((await second.bot.nlu.analyse(text, 'es')).intent).toBe('certificate_request');
    } finally {
      await second.app.close();
      await second.bot.close();
      fs.rmSync(data, { recursive: true, force: true });
    }
  }, 30_000);
});
