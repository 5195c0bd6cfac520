import { createHash } from 'node:crypto';
import { normalize } from './normalize.js';
import { ActHead, IntentModel } from './intent.js';
import { LanguageIdentifier } from './language.js';
import { ModelCache, cacheKey } from './cache.js';
import { loadActs, loadExamples, loadValidation, type ActExample, type Example } from './training.js';
import { OUT_OF_SCOPE, type CachedModel, type Score, type Trained, type TrainJob } from './types.js';
import type { Lang } from '../knowledge/schema.js';

/** The intent, act and language heads trained on `examples` and `acts` (the work of a start without a cache, and of a retraining). */
export function fit(examples: Example[], langs: Lang[], acts: ActExample[] = []): { model: IntentModel; acts?: ActHead; language: LanguageIdentifier; knownWords: Set<string> } {
  const texts = examples.map((e) => normalize(e.text));
  const { model, features } = IntentModel.fit(texts, examples.map((e) => e.intent));
  const targets = examples.map((e) => langs.indexOf(e.lang));
  const language = LanguageIdentifier.train(langs, model.encoder.dim, examples.map((e) => e.text), features, targets, null);
  const head = acts.length > 0 ? ActHead.fit(model.encoder, features, acts) : undefined;
  return { model, acts: head, language, knownWords: new Set(texts.flatMap((t) => t.split(' '))) };
}

/**
 * What the overlay adds to the cache key: nothing when it is empty, so that the model of intents/
 * alone keeps the key a start without an overlay uses.
 */
export function overlayKey(overlay: Example[]): Record<string, string> {
  if (overlay.length === 0) return {};
  const hash = createHash('sha256');
  for (const e of overlay) hash.update(`${e.lang}\t${e.intent}\t${e.text}\n`);
  return { overlay: hash.digest('hex').slice(0, 24) };
}

/** A model's intent accuracy on the validation set, and what it got wrong. */
export function score(model: IntentModel, validation: Example[], threshold: number): Score {
  const wrong: Score['wrong'] = [];
  for (const v of validation) {
    const p = model.predict(v.text);
    const got = p.confidence < threshold ? OUT_OF_SCOPE : p.intent;
    if (got !== v.intent) wrong.push({ text: v.text, lang: v.lang, expected: v.intent, got });
  }
  return { accuracy: validation.length ? 1 - wrong.length / validation.length : 1, total: validation.length, wrong };
}

/** The model of intents/ plus `overlay`: from the cache when it holds it, else trained and cached. */
function modelOf(job: TrainJob, base: Example[], overlay: Example[]): { key: string; state: CachedModel; model: IntentModel; trainingMs: number; fromCache: boolean; save(): void } {
  const cache = job.cacheDir ? new ModelCache(job.cacheDir) : undefined;
  const key = cacheKey(job.intentsDir, { langs: job.langs, ...overlayKey(overlay) });
  const cached = cache?.read<CachedModel>(key);
  if (cached) return { key, state: cached, model: IntentModel.fromState(cached.intent), trainingMs: 0, fromCache: true, save() {} };
  const start = performance.now();
  const { model, acts, language, knownWords } = fit([...base, ...overlay], job.langs, loadActs(job.intentsDir));
  const state: CachedModel = { intent: model.toState(), ...(acts ? { acts: acts.toState() } : {}), language: language.toState(), knownWords: [...knownWords] };
  const trainingMs = performance.now() - start;
  return { key, state, model, trainingMs, fromCache: false, save: () => cache?.write(key, state) };
}

/**
 * Trains (or loads) the candidate and the baseline and scores both on the validation set.
 * `save` writes a model just trained to the cache: called once it serves (the write takes ~100 ms).
 */
export function train(job: TrainJob): { trained: Trained; save(): void } {
  const base = loadExamples(job.intentsDir);
  const validation = loadValidation(job.intentsDir);
  const candidate = modelOf(job, base, job.overlay);
  const baseline = job.baselineScore ?? score(modelOf(job, base, job.baseline).model, validation, job.threshold);
  const scored = score(candidate.model, validation, job.threshold);
  const trained = {
    key: candidate.key,
    accepted: baseline.accuracy - scored.accuracy <= job.maxDrop,
    state: candidate.state,
    trainingMs: candidate.trainingMs,
    fromCache: candidate.fromCache,
    examples: base.length + job.overlay.length,
    candidate: scored,
    baseline,
  };
  return { trained, save: candidate.save };
}
