import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTinyModel, TINY_DIM, TINY_MODEL_NAME } from '../../scripts/make-tiny-model.js';
import { TransformersEncoder } from '../../src/nlu/encoders/transformers.js';
import { SoftmaxClassifier } from '../../src/nlu/classifier.js';
import { argmax } from '../../src/nlu/linear.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import type { Config } from '../../src/config.js';
import type { NluLog } from '../../src/nlu/index.js';
import { testConfig } from '../support/helpers.js';

// The real transformers.js + onnxruntime-node path, on a tiny model the repo generates (no hub, no mock).
let dir: string;
let encoder: TransformersEncoder;
let loadMs = 0;

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiny-model-'));
  makeTinyModel(dir, TINY_MODEL_NAME);
  const start = performance.now();
  encoder = await TransformersEncoder.load({ model: TINY_MODEL_NAME, modelsDir: dir, allowDownload: false });
  loadMs = performance.now() - start;
});

afterAll(async () => {
  await encoder?.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('TransformersEncoder on the tiny generated model', () => {
  it('writes the model files', () => {
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']) {
      expect(fs.existsSync(path.join(dir, TINY_MODEL_NAME, f)), f).toBe(true);
    }
  });

  it('loads through transformers.js and reports its name and dimension', () => {
    expect(encoder.name).toBe(`transformers:${TINY_MODEL_NAME}`);
    expect(encoder.dim).toBe(TINY_DIM);
    expect(loadMs).toBeLessThan(30_000);
  });

  it('returns normalised, deterministic embeddings of the model dimension, batched', async () => {
    const texts = ['¿A qué hora abre la oficina?', 'office hours', 'Hej!', ''];
    const start = performance.now();
    const a = await encoder.embed(texts);
    const embedMs = performance.now() - start;
    console.log(`tiny model: load ${loadMs.toFixed(0)} ms, embed ${texts.length} texts ${embedMs.toFixed(1)} ms`);
    expect(a).toHaveLength(texts.length);
    for (const v of a) {
      expect(v).toHaveLength(TINY_DIM);
      expect(Math.sqrt(dot(v, v))).toBeCloseTo(1, 5);
    }
    const b = await encoder.embed(texts);
    expect(b).toEqual(a);
    // Batching (padding) does not change a text's embedding.
    const [single] = await encoder.embed([texts[0]]);
    for (let i = 0; i < TINY_DIM; i++) expect(single[i]).toBeCloseTo(a[0][i], 5);
    // Many texts go through in several batches.
    const many = await encoder.embed(Array.from({ length: 70 }, (_, i) => (i % 2 ? 'telefono' : 'oficina abierta')));
    expect(many).toHaveLength(70);
    expect(many[69]).toEqual(many[1]);
  });

  it('puts similar texts closer than unrelated ones, across languages', async () => {
    const [es, en, sv, phone, hello] = await encoder.embed([
      'horario de la oficina',
      'office hours',
      'öppettider för kontoret',
      'número de teléfono',
      'hola buenos días',
    ]);
    expect(dot(es, en)).toBeGreaterThan(dot(es, phone));
    expect(dot(es, sv)).toBeGreaterThan(dot(es, hello));
    expect(dot(en, sv)).toBeGreaterThan(dot(en, phone));
  });

  it('encodes in batches into dense features', async () => {
    const [f] = await encoder.encodeBatch(['oficina abierta']);
    expect(f.indices).toEqual(Array.from({ length: TINY_DIM }, (_, i) => i));
    expect(f.values).toHaveLength(TINY_DIM);
  });

  it('feeds the softmax classifier, which classifies held-back texts', async () => {
    const train: [string, string][] = [
      ['¿a qué hora abre la oficina?', 'office_hours'],
      ['horario de la oficina', 'office_hours'],
      ['quin horari té l’oficina?', 'office_hours'],
      ['orari dell’ufficio', 'office_hours'],
      ['when is the office open?', 'office_hours'],
      ['öppettider för kontoret', 'office_hours'],
      ['está abierta hoy', 'office_hours'],
      ['número de teléfono', 'contact_phone'],
      ['quiero llamar por teléfono', 'contact_phone'],
      ['telèfon de l’ajuntament', 'contact_phone'],
      ['numero di telefono del comune', 'contact_phone'],
      ['what is the phone number', 'contact_phone'],
      ['telefonnummer till kommunen', 'contact_phone'],
      ['call the office', 'contact_phone'],
      ['necesito un certificado de empadronamiento', 'certificate_request'],
      ['pedir certificado', 'certificate_request'],
      ['sol·licitar un certificat', 'certificate_request'],
      ['richiedere un certificato di residenza', 'certificate_request'],
      ['I need a registration certificate', 'certificate_request'],
      ['ansöka om intyg', 'certificate_request'],
    ];
    const heldBack: [string, string][] = [
      ['what are the opening hours of the office', 'office_hours'],
      ['a che ora apre l’ufficio?', 'office_hours'],
      ['kontoret öppet idag?', 'office_hours'],
      ['teléfono de la oficina', 'contact_phone'],
      ['phone number please', 'contact_phone'],
      ['trucar per telèfon', 'contact_phone'],
      ['certificado de padrón', 'certificate_request'],
      ['vull un certificat d’empadronament', 'certificate_request'],
      ['intyg folkbokföring', 'certificate_request'],
    ];
    const labels = [...new Set(train.map(([, l]) => l))].sort();
    const features = await encoder.encodeBatch(train.map(([t]) => t));
    const classifier = new SoftmaxClassifier(labels, encoder.dim);
    classifier.train(features, train.map(([, l]) => labels.indexOf(l)), { epochs: 60 });
    const test = await encoder.encodeBatch(heldBack.map(([t]) => t));
    const predicted = test.map((f) => labels[argmax(classifier.predict(f))]);
    expect(predicted).toEqual(heldBack.map(([, l]) => l));
  });

  it('throws a clear error at once for a missing model when downloads are off', async () => {
    const start = performance.now();
    await expect(
      TransformersEncoder.load({ model: 'Xenova/not-here', modelsDir: dir, allowDownload: false }),
    ).rejects.toThrow(/Cannot load embedding model "Xenova\/not-here".*not found/);
    expect(performance.now() - start).toBeLessThan(2_000);
  }, 5_000);

  it('throws a clear error for a broken model folder', async () => {
    const broken = path.join(dir, 'broken');
    fs.mkdirSync(path.join(broken, 'onnx'), { recursive: true });
    fs.copyFileSync(path.join(dir, TINY_MODEL_NAME, 'config.json'), path.join(broken, 'config.json'));
    fs.copyFileSync(path.join(dir, TINY_MODEL_NAME, 'tokenizer.json'), path.join(broken, 'tokenizer.json'));
    fs.copyFileSync(path.join(dir, TINY_MODEL_NAME, 'tokenizer_config.json'), path.join(broken, 'tokenizer_config.json'));
    fs.writeFileSync(path.join(broken, 'onnx', 'model.onnx'), 'not an onnx graph');
    await expect(TransformersEncoder.load({ model: 'broken', modelsDir: dir, allowDownload: false })).rejects.toThrow(
      /Cannot load embedding model "broken"/,
    );
  }, 10_000);
});

/** The bot with its NLU on this thread, or on the NLU thread as `npm start` runs it (onnxruntime then runs there). */
const botOn = (where: string, config: Config, log?: NluLog) => assemble({ ...config, NLU_THREAD: where === 'NLU thread' }, undefined, log);

describe.each(['main thread', 'NLU thread'])('the bot with an embedding model, the NLU on the %s', (where) => {
  it('uses both encoders when the model loads, and says so in /health', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiny-bot-'));
    makeTinyModel(dir, 'tiny-civic-embedder');
    const bot = await botOn(where, testConfig({ NLU_ENCODER: 'auto', MODELS_DIR: dir, NLU_MODEL: 'tiny-civic-embedder', NLU_CACHE_DIR: 'off' }));
    const app = buildApp({ bot });
    const health = (await app.inject({ method: 'GET', url: '/health' })).json();
    expect(health.encoders).toEqual(['ngram', 'transformers:tiny-civic-embedder', 'fasttext-lid.176']);
    const res = await app.inject({ method: 'POST', url: '/api/chat', payload: { sessionId: 't', text: '¿Está abierta la OMAC de Torrellano?' } });
    expect(res.json().nlu).toMatchObject({ intent: 'office_status', lang: 'es', entities: { office: 'elche-torrellano' } });
    await app.close();
    await bot.close();
  });

  it('starts on the built-in encoder with one clear line when the model is missing', async () => {
    const warnings: string[] = [];
    const config = testConfig({ NLU_ENCODER: 'auto', MODELS_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'no-model-')) });
    const bot = await botOn(where, config, { warn: (m) => warnings.push(m), error: () => {} });
    expect(bot.nlu.encoders).toEqual(['ngram', 'fasttext-lid.176']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/Cannot load embedding model .* built-in n-gram encoder/);
    await bot.close();
  });
});

describe('the embedding model falling behind (NLU thread)', () => {
  it('answers every message of a burst past NLU_QUEUE_LIMIT, the n-gram head alone for the overflow, and counts those', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiny-burst-'));
    makeTinyModel(dir, TINY_MODEL_NAME);
    // A long wait and a short queue: the burst arrives before the first run, so all but 3 overflow.
    const env = { NLU_ENCODER: 'auto', MODELS_DIR: dir, NLU_MODEL: TINY_MODEL_NAME, NLU_CACHE_DIR: 'off', NLU_QUEUE_LIMIT: '3', NLU_BATCH_WAIT_MS: '50', RATE_LIMIT_PER_MINUTE: '0' };
    const bot = await botOn('NLU thread', testConfig(env));
    const token = 'tiny-burst-metrics-token-0123456789';
    const app = buildApp({ bot, metricsToken: token });
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        app.inject({ method: 'POST', url: '/api/chat', payload: { sessionId: `burst-${i}`, text: '¿Está abierta la OMAC de Torrellano?' } }),
      ),
    );
    expect(replies.map((r) => r.statusCode)).toEqual(replies.map(() => 200));
    for (const r of replies) expect(r.json().nlu).toMatchObject({ intent: 'office_status', entities: { office: 'elche-torrellano' } });
    const metrics = (await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } })).body;
    const skipped = Number(/chatbot_nlu_encoder_skipped_total\{channel="web"\} (\d+)/.exec(metrics)?.[1]);
    expect(skipped).toBeGreaterThanOrEqual(30);
    expect(skipped).toBeLessThan(40);
    await app.close();
    await bot.close();
  });
});
