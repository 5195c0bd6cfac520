import { loadConfig } from './config.js';
import { localeLangs } from './shared/languages.js';
import { nluSettings } from './nlu/settings.js';
import { NluThread } from './nlu/thread.js';

/**
 * The entry point. The NLU's thread starts first: it loads the cached model, or reads and encodes
 * intents/ and trains, on the second core while this one loads the server's modules (src/server.ts).
 */
async function main(): Promise<void> {
  const started = performance.now();
  const config = loadConfig();
  const nlu = config.NLU_THREAD ? NluThread.start(nluSettings(config, localeLangs(config.LOCALES_DIR))) : undefined;
  const { serve } = await import('./server.js');
  await serve(config, nlu, started);
}

main().catch((err) => {
  // A broken knowledge base or configuration stops the start with a readable reason.
  const readable = /^Invalid (configuration|knowledge base)/.test(err?.message ?? '');
  process.stderr.write(`${readable ? err.message : (err?.stack ?? String(err))}\n`);
  process.exit(1);
});
