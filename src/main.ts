import { loadConfig, nluCacheDir } from './config.js';
import { ModelCache } from './nlu/cache.js';
import { NluTrainer } from './nlu/trainer.js';

/**
 * The entry point. Unless a model trained on intents/ as they are is cached, the NLU's training
 * thread starts first, so that it reads and encodes intents/ on the second core while this one
 * loads the server's modules (src/server.ts).
 */
async function main(): Promise<void> {
  const started = performance.now();
  const config = loadConfig();
  const cacheDir = nluCacheDir(config);
  const cached = cacheDir !== undefined && new ModelCache(cacheDir).holdsModelOf(config.INTENTS_DIR);
  const trainer = cached ? undefined : new NluTrainer(config.INTENTS_DIR);
  const { serve } = await import('./server.js');
  await serve(config, trainer, started);
}

main().catch((err) => {
  // A broken knowledge base or configuration stops the start with a readable reason.
  const readable = /^Invalid (configuration|knowledge base)/.test(err?.message ?? '');
  process.stderr.write(`${readable ? err.message : (err?.stack ?? String(err))}\n`);
  process.exit(1);
});
