import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../src/config.js';
import { loadKnowledge } from '../../src/knowledge/loader.js';
import { localeLangs } from '../../src/shared/languages.js';
import { Nlu } from '../../src/nlu/nlu.js';
import { nluSettings } from '../../src/nlu/settings.js';
import { NluThread } from '../../src/nlu/thread.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import { testConfig } from '../support/helpers.js';

/**
 * The NLU on its own thread, as `npm start` runs it (NLU_THREAD=true): the thread runs the
 * sources through tsx here, and the bundle's dist/nlu-thread.js in bundle.test.ts.
 */
const kb = loadKnowledge(path.join(ROOT, 'knowledge'));
const langs = localeLangs(path.join(ROOT, 'locales'));
const settingsOn = (cacheDir: string, env: Record<string, string> = {}) =>
  nluSettings(testConfig({ NLU_ENCODER: 'ngram', NLU_CACHE_DIR: cacheDir, ...env }), langs);
const messages: [string, string?][] = [
  ['¿Está abierta la OMAC de Torrellano?'],
  ["Està oberta l'OMAC de l'Altet?"],
  ['la sede di Varese è aperta?'],
  ['är kontoret i Altabix öppet?'],
  ['phone number for ATS Como'],
  ['hola', 'ca'],
  ['ok', 'sv'],
  ['torellano'],
  ['🙂🙂'],
  ['<script>alert(1)</script> SELECT * FROM offices'],
];
const logged: string[] = [];
const log = { warn: (m: string) => logged.push(`warn ${m}`), error: (m: string) => logged.push(`error ${m}`) };
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlu-thread-'));
let local: Nlu;
let thread: NluThread;

beforeAll(async () => {
  [local, thread] = await Promise.all([
    Nlu.fromDirectory(path.join(ROOT, 'intents'), kb, { langs: langs as never, defaultLang: 'es', threshold: 0.35 }),
    NluThread.start(settingsOn(cacheDir)).serving(kb, log),
  ]);
}, 60_000);
afterAll(() => thread.close());

describe('the NLU thread', () => {
  it('trains the model that the main thread trains, and reads every message as it does', async () => {
    expect(thread.intents).toEqual(local.intents);
    expect(thread.encoders).toEqual(local.encoders);
    expect(thread.trainingMs).toBeGreaterThan(0);
    for (const [text, hint] of messages) expect(await thread.analyse(text, hint as never)).toEqual(local.parse(text, hint as never));
  });

  it('reads many messages at once, each its own', async () => {
    const many = Array.from({ length: 500 }, (_, i) => messages[i % messages.length]);
    const read = await Promise.all(many.map(([text, hint]) => thread.analyse(text, hint as never)));
    read.forEach((r, i) => expect(r).toEqual(local.parse(many[i][0], many[i][1] as never)));
  });

  it('keeps the model it trained, and a second thread loads it instead of training', async () => {
    const again = await NluThread.start(settingsOn(cacheDir)).serving(kb, log);
    try {
      expect(fs.readdirSync(cacheDir).filter((f) => f.endsWith('.json'))).toHaveLength(1);
      expect(again.trainingMs).toBeLessThan(thread.trainingMs);
      for (const [text, hint] of messages) expect(await again.analyse(text, hint as never)).toEqual(local.parse(text, hint as never));
    } finally {
      await again.close();
    }
  }, 60_000);

  it('takes a new knowledge base: an alias added to an office is recognised', async () => {
    expect((await thread.analyse('is the Palmeral office open?')).entities.office).toBeUndefined();
    const edited = structuredClone(kb);
    edited.offices.find((o) => o.id === 'elche-altabix')!.aliases.push('palmeral');
    thread.useKnowledge(edited);
    expect((await thread.analyse('is the Palmeral office open?')).entities.office).toBe('elche-altabix');
    thread.useKnowledge(kb);
    expect((await thread.analyse('is the Palmeral office open?')).entities.office).toBeUndefined();
  });

  it('replaces a thread that dies: the messages it held fail, the next ones are read', async () => {
    // Posted to a thread that is ending: it is never read.
    const dying = (thread as unknown as { worker: Worker }).worker.terminate();
    const held = thread.analyse('teléfono de la ATS de Varese');
    await dying;
    await expect(held).rejects.toThrow(/NLU thread exited/);
    expect(logged.some((l) => /^error the NLU thread stopped/.test(l))).toBe(true);
    const [text, hint] = messages[1];
    expect(await thread.analyse(text, hint as never)).toEqual(local.parse(text, hint as never));
  }, 30_000);

  it('waits before replacing a new thread that died before it served, and then serves again', async () => {
    // Its own copy of intents/ and cache: the replacement is made to fail by breaking both.
    const intentsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'intents-'));
    fs.cpSync(path.join(ROOT, 'intents'), intentsDir, { recursive: true });
    const ownCache = fs.mkdtempSync(path.join(os.tmpdir(), 'nlu-thread-'));
    const fragile = await NluThread.start(settingsOn(ownCache, { INTENTS_DIR: intentsDir })).serving(kb, log);
    try {
      const greeting = path.join(intentsDir, 'greeting.yaml');
      const good = fs.readFileSync(greeting, 'utf8');
      fs.writeFileSync(greeting, 'intent: [unclosed');
      fs.rmSync(ownCache, { recursive: true, force: true });
      await (fragile as unknown as { worker: Worker }).worker.terminate();
      // The replacement fails to train: messages are refused at once until the next try, 5 s later.
      await expect.poll(() => fragile.analyse('hola').then(() => 'read', (err: Error) => err.message), { timeout: 10_000 }).toBe('the NLU thread is restarting');
      fs.writeFileSync(greeting, good);
      await expect.poll(() => fragile.analyse('hola').then((r) => r.intent, () => 'refused'), { timeout: 15_000, interval: 200 }).toBe('greeting');
    } finally {
      await fragile.close();
    }
  }, 40_000);

  it('ends and replaces a thread that answers nothing for too long, so that no request waits for ever', async () => {
    const watched = await NluThread.start(settingsOn(cacheDir), { stuckAfterMs: 200 }).serving(kb, log);
    try {
      // 8,000 copies of one office, all with its names: rebuilding the gazetteer holds the thread for seconds.
      const office = kb.offices[0];
      const huge = structuredClone(kb);
      for (let i = 0; i < 8_000; i++) huge.offices.push({ ...office, id: `copy-${i}`, aliases: [`annex ${i}`, `oficina anexa ${i}`] });
      watched.useKnowledge(huge);
      await expect(watched.analyse('hola')).rejects.toThrow(/NLU thread exited/);
      expect(logged.some((l) => /^error the NLU thread answered nothing for \d+ ms with 1 messages waiting/.test(l))).toBe(true);
      // Its replacement starts on the same knowledge base, and serves.
      expect((await watched.analyse('is annex 17 open?')).entities.office).toBe('copy-17');
    } finally {
      await watched.close();
    }
  }, 60_000);

  it('fails its start with the reason when it cannot train', async () => {
    const broken = NluThread.start(settingsOn(cacheDir, { INTENTS_DIR: path.join(cacheDir, 'no-such-dir') }));
    await expect(broken.serving(kb, log)).rejects.toThrow(/no-such-dir/);
    await broken.close();
  }, 30_000);

  it('serves the web chat through a bot, and ends with it', async () => {
    const config = testConfig({ NLU_ENCODER: 'ngram', NLU_CACHE_DIR: cacheDir, NLU_THREAD: 'true' });
    const bot = await assemble(config, undefined, log);
    const app = buildApp({ bot });
    const res = await app.inject({ method: 'POST', url: '/api/chat', payload: { sessionId: 't1', text: "Està oberta l'OMAC de l'Altet?" } });
    expect(res.statusCode).toBe(200);
    expect(res.json().nlu).toMatchObject({ intent: 'office_status', lang: 'ca', entities: { office: 'elche-el-altet' } });
    expect((await app.inject({ url: '/health' })).json()).toMatchObject({ status: 'ok', encoders: ['ngram', 'fasttext-lid.176'], intents: local.intents.length });
    const worker = (bot.nlu as unknown as { worker: Worker }).worker;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    await app.close();
    await bot.close();
    await exited;
  }, 60_000);
});
