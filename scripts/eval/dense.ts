import { TransformersEncoder } from '../../src/nlu/encoders/transformers.js';
import type { Features } from '../../src/nlu/encoders/types.js';

/**
 * The embedding model for the evaluation, in-process on both cores: each text is embedded once
 * per run (the folds of intents/ share their texts), in runs of texts of similar length.
 */
export class EvalEmbedder {
  private readonly seen = new Map<string, Float32Array>();

  private constructor(readonly encoder: TransformersEncoder) {}

  static async load(model: string, modelsDir: string): Promise<EvalEmbedder> {
    return new EvalEmbedder(await TransformersEncoder.load({ model, modelsDir, allowDownload: false, threads: 2, batchSize: 32 }));
  }

  get name(): string {
    return this.encoder.model;
  }

  async features(texts: string[]): Promise<Features[]> {
    const missing = [...new Set(texts.filter((t) => !this.seen.has(t)))].sort((a, b) => a.length - b.length);
    const vectors = await this.encoder.embed(missing);
    missing.forEach((t, i) => this.seen.set(t, vectors[i]));
    const indices = Array.from({ length: this.encoder.dim }, (_, i) => i);
    return texts.map((t) => ({ indices, values: Array.from(this.seen.get(t)!) }));
  }
}
