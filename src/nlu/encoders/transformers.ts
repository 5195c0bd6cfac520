import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DataType, FeatureExtractionPipeline } from '@huggingface/transformers';
import type { Features } from './types.js';

export interface TransformersOptions {
  /** A model id (a folder under modelsDir, e.g. Xenova/paraphrase-multilingual-MiniLM-L12-v2) or an absolute folder. */
  model: string;
  /** Where models live (MODELS_DIR); downloads are stored here too, in the same layout. */
  modelsDir: string;
  /** Fetch missing files from the Hugging Face Hub (NLU_ALLOW_DOWNLOAD). */
  allowDownload: boolean;
  /** ONNX weights to use; by default q8 (onnx/model_quantized.onnx) unless only onnx/model.onnx (fp32) is there. */
  dtype?: DataType;
  /** Texts per ONNX run in embed(). */
  batchSize?: number;
  /** ONNX Runtime's intra-op threads (NLU_ONNX_THREADS); by default one per core. */
  threads?: number;
}

/**
 * The prompt the model wants before a text, as sentence-transformers declares it in
 * config_sentence_transformers.json (e5 models: "query: "); none when the folder has no such file.
 */
function promptOf(dir: string): string {
  try {
    const { prompts, default_prompt_name: name } = JSON.parse(fs.readFileSync(path.join(dir, 'config_sentence_transformers.json'), 'utf8'));
    return typeof prompts?.[name] === 'string' ? prompts[name] : '';
  } catch {
    return '';
  }
}

/**
 * What tells one set of weights from another under the same name: the checksums that
 * `npm run model:fetch` records, else the size and time of each file of the folder.
 */
function fingerprintOf(dir: string): string {
  const hash = crypto.createHash('sha256');
  const sums = path.join(dir, 'checksums.sha256');
  if (fs.existsSync(sums)) return hash.update(fs.readFileSync(sums)).digest('hex').slice(0, 16);
  for (const file of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const stat = fs.statSync(path.join(dir, file));
    if (stat.isFile()) hash.update(`${file} ${stat.size} ${stat.mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

/** Which weights a local model folder has: q8 first (what the Xenova exports ship), else fp32. */
function pickDtype(dir: string): DataType {
  if (fs.existsSync(path.join(dir, 'onnx', 'model_quantized.onnx'))) return 'q8';
  if (fs.existsSync(path.join(dir, 'onnx', 'model.onnx'))) return 'fp32';
  return 'q8';
}

/**
 * A sentence-embedding encoder on transformers.js (ONNX Runtime): feature extraction, mean pooling,
 * L2-normalised. Dense: encodeBatch returns all `dim` components.
 */
export class TransformersEncoder {
  readonly name: string;
  private readonly indices: number[];

  private constructor(
    private readonly extractor: FeatureExtractionPipeline,
    readonly model: string,
    readonly dim: number,
    private readonly batchSize: number,
    /** Put before every text (config_sentence_transformers.json's default prompt). */
    readonly prompt: string,
    /** Changes when the weights do (fingerprintOf). */
    readonly fingerprint: string,
  ) {
    this.name = `transformers:${model}`;
    this.indices = Array.from({ length: dim }, (_, i) => i);
  }

  /** Loads the model from modelsDir (downloading it there only if allowDownload); throws a clear Error if it can't. */
  static async load(opts: TransformersOptions): Promise<TransformersEncoder> {
    const { model, modelsDir, allowDownload } = opts;
    const dir = path.isAbsolute(model) ? model : path.join(modelsDir, model);
    const fail = (reason: string, cause?: unknown): Error =>
      new Error(`Cannot load embedding model "${model}" from ${dir}: ${reason}`, { cause });
    if (!allowDownload && !fs.existsSync(path.join(dir, 'config.json'))) {
      throw fail('not found (downloads are off: run `npm run model:download` where there is internet and copy MODELS_DIR here, or set NLU_ALLOW_DOWNLOAD=true)');
    }
    let lib: typeof import('@huggingface/transformers');
    try {
      lib = await import('@huggingface/transformers');
    } catch (err) {
      throw fail(`transformers.js is not usable here (${(err as Error).message})`, err);
    }
    const { env, pipeline, LogLevel } = lib;
    env.localModelPath = modelsDir;
    env.allowLocalModels = true;
    env.allowRemoteModels = allowDownload;
    // The file cache is modelsDir itself: a download lands in <modelsDir>/<model>/, where loading looks.
    env.cacheDir = modelsDir;
    env.logLevel = LogLevel.ERROR;
    try {
      const extractor = await pipeline('feature-extraction', model, {
        dtype: opts.dtype ?? pickDtype(dir),
        local_files_only: !allowDownload,
        // One run at a time per session: inter-op parallelism has nothing to run beside it.
        session_options: { interOpNumThreads: 1, ...(opts.threads ? { intraOpNumThreads: opts.threads } : {}) },
      });
      const probe = await extractor('probe', { pooling: 'mean', normalize: true });
      const dim = probe.dims[probe.dims.length - 1];
      return new TransformersEncoder(extractor, model, dim, opts.batchSize ?? 32, promptOf(dir), fs.existsSync(dir) ? fingerprintOf(dir) : 'downloaded');
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const why = e.cause?.code ?? e.cause?.message;
      throw fail(`${e.message.split('\n')[0]}${why ? ` (${why})` : ''}`, err);
    }
  }

  /**
   * Mean-pooled, L2-normalised sentence embeddings, one per text. Runs take texts of similar
   * length together (a run pads every text to its longest): the training examples embed ~2x faster.
   */
  async embed(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = new Array(texts.length);
    const order = texts.map((_, i) => i).sort((a, b) => texts[a].length - texts[b].length);
    for (let i = 0; i < order.length; i += this.batchSize) {
      const batch = order.slice(i, i + this.batchSize);
      const tensor = await this.extractor(batch.map((j) => this.prompt + texts[j]), { pooling: 'mean', normalize: true });
      const data = tensor.data as Float32Array;
      batch.forEach((j, k) => {
        const v = data.slice(k * this.dim, (k + 1) * this.dim);
        // A text whose tokens all pool to zero normalises to NaN: keep it a zero vector instead.
        if (!Number.isFinite(v[0])) v.fill(0);
        out[j] = v;
      });
    }
    return out;
  }

  async encodeBatch(texts: string[]): Promise<Features[]> {
    return (await this.embed(texts)).map((v) => ({ indices: this.indices, values: Array.from(v) }));
  }

  /** Frees the ONNX session. */
  async dispose(): Promise<void> {
    await this.extractor.dispose();
  }
}
