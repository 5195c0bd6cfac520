import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import { SHAPE_MODEL_NAME } from '../../scripts/make-shape-model.js';
import { TransformersEncoder } from '../../src/nlu/encoders/transformers.js';
import { freePort } from '../support/free-port.js';
import { startServerProcess, untilLogged, type ServerProcess } from '../support/server-process.js';
import { SHAPE_MODELS_DIR, shapeModel } from '../support/shape-model.js';

// The bot on an embedding model of the real size and shape (npm run model:shape: XLM-RoBERTa,
// 12 layers, 250,002 Unigram pieces, int8 quantized, random weights), as `MODELS_DIR=… npm start`
// would run it on the downloaded one.

/**
 * The slowest reply a burst of 200 may get. NLU_QUEUE_LIMIT (32) lets at most four runs of
 * NLU_BATCH_SIZE (8) wait for the model, ~25 ms each on its own thread (README, "Embedding
 * model"), and the rest are answered by the n-gram head in microseconds, so the model adds ~150 ms
 * at most to what 200 requests cost the server anyway. On the 2-core VM shared with other work
 * (load average 7-8) a warm burst of 200 took 0.5-0.8 s with the n-gram encoder alone and
 * 0.65-0.7 s with the model; the bound leaves room for that machine. The test prints its figures.
 */
const BURST_BOUND_MS = 2000;
const METRICS_TOKEN = 'embedding-metrics-token-0123456789';
const ENCODER = `transformers:${SHAPE_MODEL_NAME}`;

const MESSAGES: [string, string][] = [
  ['es', '¿Está abierta la OMAC de Torrellano?'],
  ['ca', "Està oberta l'OMAC de l'Altet?"],
  ['it', 'la sede di Varese è aperta?'],
  ['sv', 'hur får jag ett folkbokföringsintyg'],
  ['en', 'is the El Altet office open yet?'],
];

let server: ServerProcess;
let dataDir: string;
let base: string;

beforeAll(async () => {
  const model = shapeModel();
  console.log(`full-size model ${model.generated ? `generated in ${(model.ms / 1000).toFixed(1)} s` : 'cached'} at ${model.folder}`);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedding-system-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = startServerProcess(port, { NLU_ENCODER: 'auto', NLU_MODEL: SHAPE_MODEL_NAME, MODELS_DIR: SHAPE_MODELS_DIR, DATA_DIR: dataDir, STORE: 'memory', METRICS_TOKEN, NLU_CACHE_DIR: path.join(dataDir, 'nlu-cache') });
  // Its first start embeds the 5,000 training examples for the dense head.
  await untilLogged(server, 'citizen chatbot ready', 240_000);
}, 300_000);

afterAll(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const chat = async (text: string) => {
  const started = performance.now();
  const res = await fetch(`${base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
  return { status: res.status, body: (await res.json()) as { reply: { text: string }; nlu: { lang: string; intent: string } }, ms: performance.now() - started };
};

describe('the bot on the full-size embedding model', () => {
  it('loads it as the downloaded one: /health lists the encoder beside the n-gram one', async () => {
    const health = await (await fetch(`${base}/health`)).json();
    expect(health.encoders).toEqual(['ngram', ENCODER, 'fasttext-lid.176']);
    expect(server.output()).not.toMatch(/Cannot load embedding model/);
  });

  it('answers a chat request in every language', async () => {
    for (const [lang, text] of MESSAGES) {
      const { status, body } = await chat(text);
      expect(status, text).toBe(200);
      expect(body.nlu.lang, text).toBe(lang);
      expect(body.reply.text.length, text).toBeGreaterThan(0);
    }
  });

  it('answers a burst of 200 concurrent requests, none with an error, none slower than the bound', async () => {
    // A server's first burst also pays for compiling its request path (1.7 s cold against 0.5 s
    // warm with no model at all): a smaller one first, as a server in service has had.
    await Promise.all(Array.from({ length: 40 }, (_, i) => chat(MESSAGES[i % MESSAGES.length][1])));
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => chat(MESSAGES[i % MESSAGES.length][1])));
    const ms = replies.map((r) => r.ms).sort((a, b) => a - b);
    const metrics = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const skipped = Number(/chatbot_nlu_encoder_skipped_total\{channel="web"\} (\d+)/.exec(metrics)?.[1] ?? 0);
    console.log(`burst of 200: median ${ms[100].toFixed(0)} ms, slowest ${ms[199].toFixed(0)} ms, ${skipped} answered by the n-gram head alone`);
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
    expect(ms[199]).toBeLessThan(BURST_BOUND_MS);
    expect(metrics).toContain('chatbot_nlu_encoder_skipped_total');
  });
});

describe('its files, read as the bot reads them', () => {
  let tokenizer: PreTrainedTokenizer;
  let encoder: TransformersEncoder;
  beforeAll(async () => {
    env.localModelPath = SHAPE_MODELS_DIR;
    env.allowRemoteModels = false;
    tokenizer = await AutoTokenizer.from_pretrained(SHAPE_MODEL_NAME);
    encoder = await TransformersEncoder.load({ model: SHAPE_MODEL_NAME, modelsDir: SHAPE_MODELS_DIR, allowDownload: false });
  }, 120_000);
  afterAll(async () => encoder?.dispose());

  it('has the real shape in config.json', () => {
    const config = JSON.parse(fs.readFileSync(path.join(SHAPE_MODELS_DIR, SHAPE_MODEL_NAME, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model_type: 'xlm-roberta', hidden_size: 384, num_hidden_layers: 12, num_attention_heads: 12, intermediate_size: 1536, max_position_embeddings: 514, pad_token_id: 1, vocab_size: 250_002 });
  });

  it('tokenizes accented Valencian, Swedish and the other languages with the Unigram model, and decodes them back', () => {
    const tokenizerJson = JSON.parse(fs.readFileSync(path.join(SHAPE_MODELS_DIR, SHAPE_MODEL_NAME, 'tokenizer.json'), 'utf8'));
    expect(tokenizerJson.model.type).toBe('Unigram');
    expect(tokenizerJson.model.vocab).toHaveLength(250_002);
    const texts = [
      '¿Dónde pido el certificado de empadronamiento?',
      "Vull fer una sol·licitud a l'Oficina Única",
      "Qual è l'orario dell'ufficio anagrafe?",
      'Hur får jag ett folkbokföringsintyg?',
      'When is the office open?',
    ];
    for (const text of texts) {
      const ids: number[] = tokenizer.encode(text);
      expect(ids[0], text).toBe(0); // <s>
      expect(ids.at(-1), text).toBe(2); // </s>
      expect(ids, text).not.toContain(3); // <unk>
      expect(tokenizer.decode(ids, { skip_special_tokens: true }), text).toBe(text);
    }
    // Known words are one piece, not a spelling: "folkbokföringsintyg" and "sol·licitud" come from intents/.
    expect(tokenizer.tokenize('folkbokföringsintyg')).toEqual(['▁folkbokföringsintyg']);
    expect(tokenizer.tokenize('sol·licitud').length).toBeLessThanOrEqual(3);
  });

  it('gives 384-d L2-normalised embeddings', async () => {
    const vectors = await encoder.embed(MESSAGES.map(([, t]) => t));
    expect(encoder.dim).toBe(384);
    for (const v of vectors) {
      expect(v).toHaveLength(384);
      expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    }
  });
});
