import { NluThread } from './thread.js';
import type { NluSettings } from './settings.js';
import type { KnowledgeBase } from '../knowledge/schema.js';
import type { NluLog, NluService } from './types.js';

export * from './types.js';

const quiet: NluLog = { warn() {}, error() {} };

/**
 * The NLU, trained on the intents or loaded from the model cache: on a thread of its own when
 * `settings.thread`, else on this one. `knowledge` (for the entities) may still be coming: the
 * thread starts training at once.
 */
export async function createNlu(settings: NluSettings, knowledge: KnowledgeBase | Promise<KnowledgeBase>, log: NluLog = quiet): Promise<NluService> {
  if (settings.thread) {
    const thread = NluThread.start(settings);
    try {
      return await thread.serving(await knowledge, log);
    } catch (err) {
      await thread.close();
      throw err;
    }
  }
  // Loaded here only: with the thread, the main thread never needs the pipeline's code.
  const { Nlu } = await import('./nlu.js');
  return Nlu.start(settings, knowledge, log);
}
