/** Typed arrays as base64, so a trained model can be cached as JSON. */
export const pack = (a: Float32Array | Int32Array | Uint8Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

/**
 * A packed array back: from base64, or from the bytes a retraining transferred (asBytes()), used
 * in place when they fill their buffer.
 */
export function unpack<T extends Float32Array | Int32Array | Uint8Array>(s: string | Uint8Array, Type: { new (b: ArrayBuffer): T }): T {
  if (typeof s !== 'string' && s.byteOffset === 0 && s.byteLength === s.buffer.byteLength) return new Type(s.buffer as ArrayBuffer);
  const b = typeof s === 'string' ? Buffer.from(s, 'base64') : s;
  return new Type(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
}

/** Longer base64 strings in a model state are packed arrays (labels and words are short). */
const PACKED = /^[A-Za-z0-9+/]{256,}={0,2}$/;

/**
 * A model state with its packed arrays as bytes, and their buffers: posted with those as the
 * transfer list, the state reaches another thread without being copied (a copy of its ~7 MB
 * held the NLU thread for ~100 ms). unpack() reads either form.
 */
export function asBytes<T>(state: T): { state: T; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string' && v.length >= 256 && PACKED.test(v)) {
      const bytes = new Uint8Array(Buffer.from(v, 'base64')); // a buffer of its own, exactly its size
      transfer.push(bytes.buffer);
      return bytes;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return { state: walk(state) as T, transfer };
}
