import { loadConfig } from './config.js';
import { localeLangs } from './shared/languages.js';
import { createLogger } from './app/logger.js';
import { loadKnowledge } from './knowledge/loader.js';
import { createNlu } from './nlu/index.js';
import { nluSettings } from './nlu/settings.js';

/**
 * The entry point. The NLU starts first: with NLU_THREAD its thread loads the cached model, or reads
 * intents/ and trains, on the second core while this one loads the server's modules (src/app/server.ts).
 */
async function main(): Promise<void> {
  const started = performance.now();
  const config = loadConfig();
  const log = createLogger(config);
  const nlu = createNlu(nluSettings(config, localeLangs(config.LOCALES_DIR)), loadKnowledge(config.KNOWLEDGE_DIR), log);
  nlu.catch(() => {}); // a start that fails is reported where the bot awaits it
  const { serve } = await import('./app/server.js');
  await serve(config, nlu, started, log);
}

main().catch((err) => {
  // A broken knowledge base or configuration stops the start with a readable reason.
  const readable = /^Invalid (configuration|knowledge base)/.test(err?.message ?? '');
  process.stderr.write(`${readable ? err.message : (err?.stack ?? String(err))}\n`);
  process.exit(1);
});
