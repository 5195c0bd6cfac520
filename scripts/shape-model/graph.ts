/**
 * The ONNX graph of an XLM-RoBERTa encoder as an export writes it (embeddings with positions
 * derived from the padding, layer norm, 12 layers of self-attention under the attention mask and
 * GELU feed-forward, `last_hidden_state` out), in fp32 or as onnxruntime's dynamic quantization
 * rewrites it: every MatMul by a weight becomes DynamicQuantizeLinear -> MatMulInteger -> Cast ->
 * Mul by the two scales, every Gather from a table a Gather of int8 rows -> DequantizeLinear.
 *
 * Weights are int8 values from a seeded generator times one scale per tensor; the fp32 model holds
 * exactly the dequantized values, so both files describe the same network.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const { TensorProto } = onnx;
const DT = TensorProto.DataType;

export interface EncoderShape {
  vocab: number;
  hidden: number;
  layers: number;
  heads: number;
  intermediate: number;
  positions: number;
  padId: number;
  layerNormEps: number;
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

/** A weight: int8 values and the scale that makes them uniform with the given bound. */
interface Weight {
  name: string;
  dims: number[];
  q: Int8Array;
  scale: number;
}

type Attr = { name: string; i?: number; f?: number; ints?: number[] };
type Node = { opType: string; input: string[]; output: string[]; name: string; domain?: string; attribute: object[] };

class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly initializers: object[] = [];
  private n = 0;
  private seed = 0x9e3779b9;

  constructor(readonly quantized: boolean) {}

  op(opType: string, input: string[], attrs: Attr[] = [], outputs = 1): string[] {
    const name = `${opType}_${this.n++}`;
    const output = Array.from({ length: outputs }, (_, i) => `${name}_out${i}`);
    const attribute = attrs.map((a) => {
      const AT = onnx.AttributeProto.AttributeType;
      if (a.ints) return { name: a.name, type: AT.INTS, ints: a.ints };
      if (a.f !== undefined) return { name: a.name, type: AT.FLOAT, f: a.f };
      return { name: a.name, type: AT.INT, i: a.i };
    });
    this.nodes.push({ opType, input, output, name, attribute });
    return output;
  }

  one(opType: string, input: string[], attrs: Attr[] = []): string {
    return this.op(opType, input, attrs)[0];
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

  weight(name: string, dims: number[], bound: number): Weight {
    const count = dims.reduce((a, b) => a * b, 1);
    this.seed = (Math.imul(this.seed, 0x01000193) + 0x7f4a7c15) >>> 0;
    return { name, dims, q: randomInt8(count, this.seed), scale: bound / 127 };
  }

  dequantized(w: Weight): Float32Array {
    const f = new Float32Array(w.q.length);
    for (let i = 0; i < f.length; i++) f[i] = w.q[i] * w.scale;
    return f;
  }

  /** x @ W (+ b): a MatMul, or its dynamically quantized form. */
  linear(x: string, w: Weight, bias?: string): string {
    let y: string;
    if (!this.quantized) {
      y = this.one('MatMul', [x, this.floats(w.name, w.dims, this.dequantized(w))]);
    } else {
      const [xq, xScale, xZero] = this.op('DynamicQuantizeLinear', [x], [], 3);
      const wq = this.tensor(`${w.name}_quantized`, DT.INT8, w.dims, w.q);
      const wZero = this.tensor(`${w.name}_zero_point`, DT.INT8, [], Int8Array.of(0));
      const wScale = this.scalarF(`${w.name}_scale`, w.scale);
      const acc = this.one('MatMulInteger', [xq, wq, xZero, wZero]);
      const scale = this.one('Mul', [xScale, wScale]);
      y = this.one('Mul', [this.one('Cast', [acc], [{ name: 'to', i: DT.FLOAT }]), scale]);
    }
    return bias ? this.one('Add', [y, bias]) : y;
  }

  /** Rows of a table: a Gather, or a Gather of int8 rows then DequantizeLinear. */
  lookup(table: Weight, ids: string): string {
    if (!this.quantized) return this.one('Gather', [this.floats(table.name, table.dims, this.dequantized(table)), ids], [{ name: 'axis', i: 0 }]);
    const q = this.tensor(`${table.name}_quantized`, DT.INT8, table.dims, table.q);
    const rows = this.one('Gather', [q, ids], [{ name: 'axis', i: 0 }]);
    return this.one('DequantizeLinear', [rows, this.scalarF(`${table.name}_scale`, table.scale), this.tensor(`${table.name}_zero_point`, DT.INT8, [], Int8Array.of(0))]);
  }
}

function layerNorm(g: GraphBuilder, x: string, prefix: string, shape: EncoderShape): string {
  const gamma = g.floats(`${prefix}.weight`, [shape.hidden], new Float32Array(shape.hidden).fill(1));
  const beta = g.floats(`${prefix}.bias`, [shape.hidden], new Float32Array(shape.hidden));
  return g.one('LayerNormalization', [x, gamma, beta], [{ name: 'axis', i: -1 }, { name: 'epsilon', f: shape.layerNormEps }]);
}

const zeros = (n: number) => new Float32Array(n);

/** One encoder layer: self-attention under the mask, residual + norm, GELU feed-forward, residual + norm. */
function encoderLayer(g: GraphBuilder, x: string, mask: string, l: number, s: EncoderShape): string {
  const p = `encoder.layer.${l}`;
  const headDim = s.hidden / s.heads;
  const bound = Math.sqrt(3 / s.hidden);
  const toHeads = g.ints(`${p}.heads_shape`, [4], [0, 0, s.heads, headDim]);
  const project = (name: string) =>
    g.one('Reshape', [g.linear(x, g.weight(`${p}.attention.self.${name}.weight`, [s.hidden, s.hidden], bound), g.floats(`${p}.attention.self.${name}.bias`, [s.hidden], zeros(s.hidden))), toHeads]);
  const q = g.one('Transpose', [project('query')], [{ name: 'perm', ints: [0, 2, 1, 3] }]);
  const k = g.one('Transpose', [project('key')], [{ name: 'perm', ints: [0, 2, 3, 1] }]);
  const v = g.one('Transpose', [project('value')], [{ name: 'perm', ints: [0, 2, 1, 3] }]);
  const scores = g.one('Add', [g.one('Mul', [g.one('MatMul', [q, k]), g.scalarF(`${p}.attention.scale`, 1 / Math.sqrt(headDim))]), mask]);
  const probs = g.one('Softmax', [scores], [{ name: 'axis', i: -1 }]);
  const context = g.one('Reshape', [
    g.one('Transpose', [g.one('MatMul', [probs, v])], [{ name: 'perm', ints: [0, 2, 1, 3] }]),
    g.ints(`${p}.merge_shape`, [3], [0, 0, s.hidden]),
  ]);
  const attended = g.linear(context, g.weight(`${p}.attention.output.dense.weight`, [s.hidden, s.hidden], bound), g.floats(`${p}.attention.output.dense.bias`, [s.hidden], zeros(s.hidden)));
  const h = layerNorm(g, g.one('Add', [attended, x]), `${p}.attention.output.LayerNorm`, s);
  const up = g.linear(h, g.weight(`${p}.intermediate.dense.weight`, [s.hidden, s.intermediate], bound), g.floats(`${p}.intermediate.dense.bias`, [s.intermediate], zeros(s.intermediate)));
  // GELU as the exporters write it: x * 0.5 * (1 + erf(x / sqrt 2)).
  const erf = g.one('Erf', [g.one('Div', [up, g.scalarF(`${p}.gelu.sqrt2`, Math.SQRT2)])]);
  const gelu = g.one('Mul', [g.one('Mul', [up, g.one('Add', [erf, g.scalarF(`${p}.gelu.one`, 1)])]), g.scalarF(`${p}.gelu.half`, 0.5)]);
  const down = g.linear(gelu, g.weight(`${p}.output.dense.weight`, [s.intermediate, s.hidden], Math.sqrt(3 / s.intermediate)), g.floats(`${p}.output.dense.bias`, [s.hidden], zeros(s.hidden)));
  return layerNorm(g, g.one('Add', [down, h]), `${p}.output.LayerNorm`, s);
}

/** The serialized ModelProto of the encoder (fp32, or int8 dynamically quantized). */
export function encoderModel(s: EncoderShape, quantized: boolean): Uint8Array {
  const g = new GraphBuilder(quantized);
  // Positions as XLM-RoBERTa numbers them: padding_idx + running count of non-pad tokens, pad at padding_idx.
  const notPad = g.one('Cast', [g.one('Not', [g.one('Equal', ['input_ids', g.ints('pad_id', [], [s.padId])])])], [{ name: 'to', i: DT.INT64 }]);
  const running = g.one('Mul', [g.one('CumSum', [notPad, g.ints('cumsum_axis', [], [1])]), notPad]);
  const positionIds = g.one('Add', [running, g.ints('padding_idx', [], [s.padId])]);
  const words = g.lookup(g.weight('embeddings.word_embeddings.weight', [s.vocab, s.hidden], 0.05), 'input_ids');
  const positions = g.lookup(g.weight('embeddings.position_embeddings.weight', [s.positions, s.hidden], 0.05), positionIds);
  // type_vocab_size is 1: every token adds the one token-type row.
  const tokenType = g.floats('embeddings.token_type_embeddings.weight', [1, s.hidden], g.dequantized(g.weight('embeddings.token_type_embeddings.weight', [1, s.hidden], 0.05)));
  let x = layerNorm(g, g.one('Add', [g.one('Add', [words, positions]), tokenType]), 'embeddings.LayerNorm', s);
  // The extended attention mask: 0 where attended, a large negative number on padding.
  const maskF = g.one('Cast', ['attention_mask'], [{ name: 'to', i: DT.FLOAT }]);
  const inverted = g.one('Sub', [g.scalarF('mask_one', 1), g.one('Unsqueeze', [maskF, g.ints('mask_axes', [2], [1, 2])])]);
  const mask = g.one('Mul', [inverted, g.scalarF('mask_min', -3.4028234663852886e38)]);
  for (let l = 0; l < s.layers; l++) x = encoderLayer(g, x, mask, l, s);
  g.nodes.push({ opType: 'Identity', input: [x], output: ['last_hidden_state'], name: 'output', attribute: [] });

  const dims = (...d: (number | string)[]) => ({ dim: d.map((v) => (typeof v === 'number' ? { dimValue: v } : { dimParam: v })) });
  const value = (name: string, elemType: number, shape: (number | string)[]) => ({ name, type: { tensorType: { elemType, shape: dims(...shape) } } });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'civic-chatbot make-shape-model',
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
