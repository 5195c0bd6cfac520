import { StoreUnavailableError } from '../storage/index.js';
import type { ChatCore } from './chat-core.js';

export type Check = 'nlu' | 'knowledge' | 'store';
export interface Readiness {
  ready: boolean;
  checks: Record<Check, 'ok' | string>;
}

/** Each check gets this long: a probe must answer before the orchestrator's own timeout (1 s by default on Kubernetes). */
const CHECK_MS = 800;

function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The NLU answers a real (short, constant) question: a stuck or dead thread fails this. */
async function nluServes(core: ChatCore): Promise<'ok' | string> {
  const result = await within(CHECK_MS, 'the NLU', core.nlu.analyse('hola'));
  return result.intent ? 'ok' : 'the NLU gave no intent';
}

function knowledgeLoaded(core: ChatCore): 'ok' | string {
  return core.knowledge.offices.length > 0 && core.knowledge.base.organisations.length > 0 ? 'ok' : 'the knowledge base has no offices';
}

/**
 * The store answers a read, and does not say it is degraded (on Redis, sessions fall back to
 * process memory and records are refused while Redis is away: not ready then).
 */
async function storeAnswers(core: ChatCore): Promise<'ok' | string> {
  const unreachable = `the ${core.stores.kind} store is unreachable`;
  const answered = await within(CHECK_MS, 'the store', core.stores.status.all(['__ready__'])).then(
    () => true,
    (err: unknown) => {
      if (err instanceof StoreUnavailableError) return false;
      throw err;
    },
  );
  return answered && !core.stores.degraded ? 'ok' : unreachable;
}

/** What GET /health/ready reports: each check's "ok" or the reason it failed. */
export async function readiness(core: ChatCore | undefined): Promise<Readiness> {
  if (!core) return { ready: false, checks: { nlu: 'starting', knowledge: 'starting', store: 'starting' } };
  const [nlu, store] = await Promise.all([nluServes(core).catch(reason), storeAnswers(core).catch(reason)]);
  const checks = { nlu, knowledge: knowledgeLoaded(core), store };
  return { ready: Object.values(checks).every((c) => c === 'ok'), checks };
}
