/** Typed arrays as base64, so a trained model can be cached as JSON. */
export const pack = (a: Float32Array | Int32Array | Uint8Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

export function unpack<T extends Float32Array | Int32Array | Uint8Array>(s: string, Type: { new (b: ArrayBuffer): T }): T {
  const b = Buffer.from(s, 'base64');
  return new Type(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
}
