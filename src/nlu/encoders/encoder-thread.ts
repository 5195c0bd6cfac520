// The thread of EncoderThread (threaded.ts): loads the embedding model and runs each batch it is
// given. onnxruntime-node runs a session synchronously (in a setImmediate), so a run holds this
// thread's event loop for its whole length: here it holds nothing else.
import { parentPort, workerData } from 'node:worker_threads';
import { TransformersEncoder, type TransformersOptions } from './transformers.js';
import type { FromEncoder, ToEncoder } from './threaded.js';

const port = parentPort!;
const post = (m: FromEncoder, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

try {
  const encoder = await TransformersEncoder.load(workerData as TransformersOptions);
  port.on('message', (m: ToEncoder) => {
    if (!Array.isArray(m)) return void encoder.dispose().finally(() => process.exit(0));
    const [id, texts] = m;
    return encoder.embed(texts).then(
      (vectors) => {
        // One buffer for the batch, moved rather than copied.
        const flat = new Float32Array(vectors.length * encoder.dim);
        vectors.forEach((v, i) => flat.set(v, i * encoder.dim));
        post([id, flat], [flat.buffer]);
      },
      (err: Error) => post([id, null, err.message]),
    );
  });
  post({ ready: { name: encoder.name, dim: encoder.dim, fingerprint: encoder.fingerprint } });
} catch (err) {
  post({ failed: (err as Error).message });
}
