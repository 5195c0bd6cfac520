/**
 * The ONNX graph of an XLM-RoBERTa (or BERT) encoder as an export writes it (embeddings with
 * positions derived from the padding, layer norm, N layers of self-attention under the attention
 * mask and GELU feed-forward, `last_hidden_state` out). Where its parameters come from is a
 * `Params`: here seeded random ones (the shape model, `npm run model:shape`), in fp32 or as
 * onnxruntime's dynamic quantization rewrites them (every MatMul by a weight becomes
 * DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul by the two scales, every Gather from a
 * table a Gather of int8 rows -> DequantizeLinear); scripts/model-fetch/ gives a real model's.
 *
 * Random weights are int8 values from a seeded generator times one scale per tensor; the fp32
 * model holds exactly the dequantized values, so both files describe the same network.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const { TensorProto } = onnx;
export const DT = TensorProto.DataType;

export interface EncoderShape {
  vocab: number;
  hidden: number;
  layers: number;
  heads: number;
  intermediate: number;
  positions: number;
  padId: number;
  layerNormEps: number;
  /** How positions are numbered: XLM-RoBERTa's from padId + 1 (the default), BERT's from 0. */
  positionIds?: 'xlm-roberta' | 'bert';
}

/** Where the graph's parameters come from (names as the PyTorch exports spell them). */
export interface Params {
  /** x @ W + b of the named linear layer (W: [inDim, outDim]). */
  dense(g: GraphBuilder, x: string, name: string, inDim: number, outDim: number): string;
  /** The rows of the named table [rows, cols] at `ids`. */
  rows(g: GraphBuilder, name: string, dims: [number, number], ids: string): string;
  /** An fp32 vector: a layer norm's weight or bias, the token-type row; `init` is what random parameters hold. */
  vector(name: string, size: number, init: 'zeros' | 'ones' | 'random'): Float32Array;
}

/** int8 values in [-127, 127], seeded (xorshift32: a few hundred MB per second). */
function randomInt8(count: number, seed: number): Int8Array {
  const out = new Int8Array(count);
  const words = new Uint32Array(out.buffer, 0, count >>> 2);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  for (let i = words.length * 4; i < count; i++) out[i] = (i * 37) & 0x7f;
  for (let i = 0; i < count; i++) if (out[i] === -128) out[i] = -127;
  return out;
}

/** A random weight: int8 values and the scale that makes them uniform with the given bound. */
interface Weight {
  name: string;
  dims: number[];
  q: Int8Array;
  scale: number;
}

type Attr = { name: string; i?: number; f?: number; ints?: number[] };
type Node = { opType: string; input: string[]; output: string[]; name: string; domain?: string; attribute: object[] };

export class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly initializers: object[] = [];
  /** Operator sets beyond the standard one that the nodes use (com.microsoft's contrib operators). */
  readonly domains = new Set<string>();
  private n = 0;

  op(opType: string, input: string[], attrs: Attr[] = [], outputs = 1, domain?: string): string[] {
    const name = `${opType}_${this.n++}`;
    const output = Array.from({ length: outputs }, (_, i) => `${name}_out${i}`);
    const attribute = attrs.map((a) => {
      const AT = onnx.AttributeProto.AttributeType;
      if (a.ints) return { name: a.name, type: AT.INTS, ints: a.ints };
      if (a.f !== undefined) return { name: a.name, type: AT.FLOAT, f: a.f };
      return { name: a.name, type: AT.INT, i: a.i };
    });
    if (domain) this.domains.add(domain);
    this.nodes.push({ opType, input, output, name, attribute, ...(domain ? { domain } : {}) });
    return output;
  }

  one(opType: string, input: string[], attrs: Attr[] = [], domain?: string): string {
    return this.op(opType, input, attrs, 1, domain)[0];
  }

  tensor(name: string, dataType: number, dims: number[], raw: ArrayBufferView): string {
    this.initializers.push({ name, dataType, dims, rawData: new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength) });
    return name;
  }

  floats(name: string, dims: number[], values: Float32Array): string {
    return this.tensor(name, DT.FLOAT, dims, values);
  }

  scalarF(name: string, v: number): string {
    return this.floats(name, [], Float32Array.of(v));
  }

  ints(name: string, dims: number[], values: number[]): string {
    return this.tensor(name, DT.INT64, dims, BigInt64Array.from(values.map(BigInt)));
  }
}

/** Seeded random parameters (the shape model): fp32, or int8 as onnxruntime's dynamic quantization writes them. */
export class RandomParams implements Params {
  private seed = 0x9e3779b9;

  constructor(readonly quantized: boolean) {}

  private weight(name: string, dims: number[], bound: number): Weight {
    const count = dims.reduce((a, b) => a * b, 1);
    this.seed = (Math.imul(this.seed, 0x01000193) + 0x7f4a7c15) >>> 0;
    return { name, dims, q: randomInt8(count, this.seed), scale: bound / 127 };
  }

  private dequantized(w: Weight): Float32Array {
    const f = new Float32Array(w.q.length);
    for (let i = 0; i < f.length; i++) f[i] = w.q[i] * w.scale;
    return f;
  }

  dense(g: GraphBuilder, x: string, name: string, inDim: number, outDim: number): string {
    const w = this.weight(`${name}.weight`, [inDim, outDim], Math.sqrt(3 / inDim));
    const bias = g.floats(`${name}.bias`, [outDim], new Float32Array(outDim));
    let y: string;
    if (!this.quantized) {
      y = g.one('MatMul', [x, g.floats(w.name, w.dims, this.dequantized(w))]);
    } else {
      const [xq, xScale, xZero] = g.op('DynamicQuantizeLinear', [x], [], 3);
      const wq = g.tensor(`${w.name}_quantized`, DT.INT8, w.dims, w.q);
      const wZero = g.tensor(`${w.name}_zero_point`, DT.INT8, [], Int8Array.of(0));
      const wScale = g.scalarF(`${w.name}_scale`, w.scale);
      const acc = g.one('MatMulInteger', [xq, wq, xZero, wZero]);
      const scale = g.one('Mul', [xScale, wScale]);
      y = g.one('Mul', [g.one('Cast', [acc], [{ name: 'to', i: DT.FLOAT }]), scale]);
    }
    return g.one('Add', [y, bias]);
  }

  rows(g: GraphBuilder, name: string, dims: [number, number], ids: string): string {
    const table = this.weight(name, dims, 0.05);
    if (!this.quantized) return g.one('Gather', [g.floats(table.name, table.dims, this.dequantized(table)), ids], [{ name: 'axis', i: 0 }]);
    const q = g.tensor(`${table.name}_quantized`, DT.INT8, table.dims, table.q);
    const rows = g.one('Gather', [q, ids], [{ name: 'axis', i: 0 }]);
    return g.one('DequantizeLinear', [rows, g.scalarF(`${table.name}_scale`, table.scale), g.tensor(`${table.name}_zero_point`, DT.INT8, [], Int8Array.of(0))]);
  }

  vector(name: string, size: number, init: 'zeros' | 'ones' | 'random'): Float32Array {
    if (init === 'random') return this.dequantized(this.weight(name, [size], 0.05));
    return new Float32Array(size).fill(init === 'ones' ? 1 : 0);
  }
}

function layerNorm(g: GraphBuilder, p: Params, x: string, prefix: string, shape: EncoderShape): string {
  const gamma = g.floats(`${prefix}.weight`, [shape.hidden], p.vector(`${prefix}.weight`, shape.hidden, 'ones'));
  const beta = g.floats(`${prefix}.bias`, [shape.hidden], p.vector(`${prefix}.bias`, shape.hidden, 'zeros'));
  return g.one('LayerNormalization', [x, gamma, beta], [{ name: 'axis', i: -1 }, { name: 'epsilon', f: shape.layerNormEps }]);
}

/** One encoder layer: self-attention under the mask, residual + norm, GELU feed-forward, residual + norm. */
function encoderLayer(g: GraphBuilder, p: Params, x: string, mask: string, l: number, s: EncoderShape): string {
  const at = `encoder.layer.${l}`;
  const headDim = s.hidden / s.heads;
  const toHeads = g.ints(`${at}.heads_shape`, [4], [0, 0, s.heads, headDim]);
  const project = (name: string) => g.one('Reshape', [p.dense(g, x, `${at}.attention.self.${name}`, s.hidden, s.hidden), toHeads]);
  const q = g.one('Transpose', [project('query')], [{ name: 'perm', ints: [0, 2, 1, 3] }]);
  const k = g.one('Transpose', [project('key')], [{ name: 'perm', ints: [0, 2, 3, 1] }]);
  const v = g.one('Transpose', [project('value')], [{ name: 'perm', ints: [0, 2, 1, 3] }]);
  const scores = g.one('Add', [g.one('Mul', [g.one('MatMul', [q, k]), g.scalarF(`${at}.attention.scale`, 1 / Math.sqrt(headDim))]), mask]);
  const probs = g.one('Softmax', [scores], [{ name: 'axis', i: -1 }]);
  const context = g.one('Reshape', [
    g.one('Transpose', [g.one('MatMul', [probs, v])], [{ name: 'perm', ints: [0, 2, 1, 3] }]),
    g.ints(`${at}.merge_shape`, [3], [0, 0, s.hidden]),
  ]);
  const attended = p.dense(g, context, `${at}.attention.output.dense`, s.hidden, s.hidden);
  const h = layerNorm(g, p, g.one('Add', [attended, x]), `${at}.attention.output.LayerNorm`, s);
  const up = p.dense(g, h, `${at}.intermediate.dense`, s.hidden, s.intermediate);
  // GELU as the exporters write it: x * 0.5 * (1 + erf(x / sqrt 2)).
  const erf = g.one('Erf', [g.one('Div', [up, g.scalarF(`${at}.gelu.sqrt2`, Math.SQRT2)])]);
  const gelu = g.one('Mul', [g.one('Mul', [up, g.one('Add', [erf, g.scalarF(`${at}.gelu.one`, 1)])]), g.scalarF(`${at}.gelu.half`, 0.5)]);
  const down = p.dense(g, gelu, `${at}.output.dense`, s.intermediate, s.hidden);
  return layerNorm(g, p, g.one('Add', [down, h]), `${at}.output.LayerNorm`, s);
}

/** The serialized ModelProto of the encoder with the given parameters (random ones: fp32, or int8 dynamically quantized). */
export function encoderModel(s: EncoderShape, params: Params | boolean): Uint8Array {
  const p = typeof params === 'boolean' ? new RandomParams(params) : params;
  const g = new GraphBuilder();
  const notPad = g.one('Cast', [g.one('Not', [g.one('Equal', ['input_ids', g.ints('pad_id', [], [s.padId])])])], [{ name: 'to', i: DT.INT64 }]);
  const running = g.one('Mul', [g.one('CumSum', [notPad, g.ints('cumsum_axis', [], [1])]), notPad]);
  // XLM-RoBERTa numbers positions padding_idx + running count of non-pad tokens (pad at padding_idx);
  // BERT from 0 (pads at 0: the mask hides them).
  const positionIds =
    s.positionIds === 'bert'
      ? g.one('Mul', [g.one('Sub', [running, g.ints('one_i64', [], [1])]), notPad])
      : g.one('Add', [running, g.ints('padding_idx', [], [s.padId])]);
  const words = p.rows(g, 'embeddings.word_embeddings.weight', [s.vocab, s.hidden], 'input_ids');
  const positions = p.rows(g, 'embeddings.position_embeddings.weight', [s.positions, s.hidden], positionIds);
  // Every token adds token type 0's row (the models take no token_type_ids).
  const tokenType = g.floats('embeddings.token_type_embeddings.weight', [1, s.hidden], p.vector('embeddings.token_type_embeddings.weight', s.hidden, 'random'));
  let x = layerNorm(g, p, g.one('Add', [g.one('Add', [words, positions]), tokenType]), 'embeddings.LayerNorm', s);
  // The extended attention mask: 0 where attended, a large negative number on padding.
  const maskF = g.one('Cast', ['attention_mask'], [{ name: 'to', i: DT.FLOAT }]);
  const inverted = g.one('Sub', [g.scalarF('mask_one', 1), g.one('Unsqueeze', [maskF, g.ints('mask_axes', [2], [1, 2])])]);
  const mask = g.one('Mul', [inverted, g.scalarF('mask_min', -3.4028234663852886e38)]);
  for (let l = 0; l < s.layers; l++) x = encoderLayer(g, p, x, mask, l, s);
  g.nodes.push({ opType: 'Identity', input: [x], output: ['last_hidden_state'], name: 'output', attribute: [] });

  const dims = (...d: (number | string)[]) => ({ dim: d.map((v) => (typeof v === 'number' ? { dimValue: v } : { dimParam: v })) });
  const value = (name: string, elemType: number, shape: (number | string)[]) => ({ name, type: { tensorType: { elemType, shape: dims(...shape) } } });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }, ...[...g.domains].map((domain) => ({ domain, version: 1 }))],
    producerName: 'civic-chatbot',
    graph: {
      name: 'xlm_roberta_encoder',
      node: g.nodes,
      initializer: g.initializers,
      input: [value('input_ids', DT.INT64, ['batch_size', 'sequence_length']), value('attention_mask', DT.INT64, ['batch_size', 'sequence_length'])],
      output: [value('last_hidden_state', DT.FLOAT, ['batch_size', 'sequence_length', s.hidden])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
