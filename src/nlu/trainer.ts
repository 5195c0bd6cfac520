import { createHash } from 'node:crypto';
import { trainingText } from './contacts.js';
import { ActHead, IntentModel } from './intent.js';
import { LanguageIdentifier } from './language.js';
import { ModelCache, cacheKey } from './cache.js';
import { loadActs, loadExamples, loadValidation, type ActExample, type Example } from './training.js';
import { OUT_OF_SCOPE, type CachedModel, type Score, type Trained, type TrainedModel, type TrainJob } from './types.js';
import type { Lang } from '../knowledge/schema.js';

/** The intent, act and language heads trained on `examples` and `acts` (the work of a start without a cache, and of a retraining). */
export function fit(examples: Example[], langs: Lang[], acts: ActExample[] = []): { model: IntentModel; acts?: ActHead; language: LanguageIdentifier; knownWords: Set<string> } {
  const texts = examples.map((e) => trainingText(e.text));
  const { model, features } = IntentModel.fit(texts, examples.map((e) => e.intent));
  const targets = examples.map((e) => langs.indexOf(e.lang));
  const language = LanguageIdentifier.train(langs, model.encoder.dim, examples.map((e) => e.text), features, targets, null);
  const head = acts.length > 0 ? ActHead.fit(texts, acts) : undefined;
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

/**
 * A validation message read right with this probability or more is read firmly. One read right
 * with less, just above the confidence threshold, may fall under it (out_of_scope) and back with any
 * retraining, whatever was taught: that alone is no flip (see flipped()).
 */
export const FIRM_READING = 0.5;

const messageKey = (m: { lang: string; text: string }) => `${m.lang}|${m.text}`;

/** A model's intent accuracy on the validation set, what it got wrong, and what it read right firmly. */
export function score(model: IntentModel, validation: Example[], threshold: number): Score {
  const wrong: Score['wrong'] = [];
  const firm: string[] = [];
  for (const v of validation) {
    const p = model.predict(v.text);
    const got = p.confidence < threshold ? OUT_OF_SCOPE : p.intent;
    if (got !== v.intent) wrong.push({ text: v.text, lang: v.lang, expected: v.intent, got });
    else if (p.confidence >= FIRM_READING) firm.push(messageKey(v));
  }
  return { accuracy: validation.length ? 1 - wrong.length / validation.length : 1, total: validation.length, wrong, firm };
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
 * The validation messages `after` reads wrong that `before` read right: as another intent, or as
 * out_of_scope when `before` read them firmly (a message at the edge of the threshold toggles).
 */
export function flipped(before: Score, after: Score): Score['wrong'] {
  const wasWrong = new Set(before.wrong.map(messageKey));
  const firm = new Set(before.firm);
  return after.wrong.filter((w) => !wasWrong.has(messageKey(w)) && (w.got !== OUT_OF_SCOPE || firm.has(messageKey(w))));
}

/**
 * Trains (or loads) each model of the job and scores it on the validation set; with the guard rail,
 * also the model it replaces, and the change is accepted only if no model flips a message.
 * `save` writes the models just trained to the cache: called once they serve (a write takes ~100 ms).
 */
export function train(job: TrainJob): { trained: Trained; save(): void } {
  const base = loadExamples(job.intentsDir);
  const validation = loadValidation(job.intentsDir);
  const built = job.models.map((m) => {
    const candidate = modelOf(job, base, m.overlay);
    const scored = score(candidate.model, validation, job.threshold);
    const baseline = job.guard ? (m.baselineScore ?? score(modelOf(job, base, m.baseline).model, validation, job.threshold)) : undefined;
    const model: TrainedModel = {
      scope: m.scope,
      key: candidate.key,
      trainingMs: candidate.trainingMs,
      fromCache: candidate.fromCache,
      examples: base.length + m.overlay.length,
      candidate: scored,
      ...(baseline ? { baseline } : {}),
    };
    return { model, candidate };
  });
  const accepted = built.every(({ model }) => !model.baseline || flipped(model.baseline, model.candidate).length === 0);
  const trained: Trained = { accepted, models: built.map((b) => b.model), states: built.map(({ model, candidate }) => ({ scope: model.scope, state: candidate.state })) };
  return { trained, save: () => built.forEach((b) => b.candidate.save()) };
}
