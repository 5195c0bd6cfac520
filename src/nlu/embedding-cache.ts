import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { pack, unpack } from './state.js';

/**
 * The training examples' sentence embeddings, kept in the NLU cache folder per model (its name and
 * fingerprint): a start whose intents/ changed embeds only the examples it has not embedded yet
 * (the ~5,000 examples take the model ~20 s on one core), not all of them again. Best effort, as
 * the model cache: an unreadable file is embedded again, an unwritable folder simply not kept.
 * It holds intents/' examples only, no citizen's message.
 */
export class EmbeddingCache {
  private readonly file: string;

  constructor(dir: string, model: string) {
    this.file = path.join(dir, `embeddings-${createHash('sha256').update(model).digest('hex').slice(0, 16)}.json`);
  }

  read(dim: number): Map<string, Float32Array> {
    try {
      const { texts, vectors, dim: stored } = JSON.parse(fs.readFileSync(this.file, 'utf8')) as { texts: string[]; vectors: string; dim: number };
      if (stored !== dim) return new Map();
      const all = unpack(vectors, Float32Array);
      return new Map(texts.map((t, i) => [t, all.subarray(i * dim, (i + 1) * dim)]));
    } catch {
      return new Map();
    }
  }

  write(embedded: Map<string, Float32Array>, dim: number): void {
    try {
      const texts = [...embedded.keys()];
      const all = new Float32Array(texts.length * dim);
      texts.forEach((t, i) => all.set(embedded.get(t)!, i * dim));
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify({ dim, texts, vectors: pack(all) }));
      fs.renameSync(tmp, this.file);
    } catch {
      // a read-only cache folder only costs embedding time at the next start
    }
  }
}
