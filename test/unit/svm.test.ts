import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LinearSvm } from '../../src/nlu/svm.js';
import { IntentModel, type IntentModelState } from '../../src/nlu/intent.js';
import { createNlu } from '../../src/nlu/index.js';
import { NgramEncoder } from '../../src/nlu/encoders/ngram.js';
import { normalize } from '../../src/nlu/normalize.js';
import { loadExamples } from '../../src/nlu/training.js';
import { loadKnowledge } from '../../src/knowledge/loader.js';
import { localeLangs } from '../../src/shared/languages.js';
import { ROOT } from '../../src/config.js';
import { stemmerFor } from '../../src/nlu/stemmer.js';
import { trainPipeline } from '../../scripts/eval/pipelines.js';

const texts = ['is the office open', 'office open today', 'phone number please', 'what number can i call', 'hello there', 'hi hello'];
const labels = ['office_status', 'office_status', 'contact_phone', 'contact_phone', 'greeting', 'greeting'];

describe('linear SVM head', () => {
  it('learns separable intents and gives probabilities that sum to 1', () => {
    const model = IntentModel.train(texts, labels);
    for (const [i, text] of texts.entries()) expect(model.predict(text).intent).toBe(labels[i]);
    expect(model.predict('which number do i call').intent).toBe('contact_phone');
    const features = model.features('is it open');
    const probs = model.probabilities(features);
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(model.intents[probs.indexOf(Math.max(...probs))]).toBe('office_status');
  });

  it('trains deterministically and survives its state round trip', () => {
    const a = IntentModel.train(texts, labels);
    const b = IntentModel.fromState(JSON.parse(JSON.stringify(IntentModel.train(texts, labels).toState())));
    for (const text of ['open?', 'call you', 'hey']) expect(b.probabilities(b.features(text))).toEqual(a.probabilities(a.features(text)));
  });

  it('is less sure of an ambiguous message than of a clear one', () => {
    const svm = new LinearSvm(['a', 'b'], 2);
    svm.train(
      [
        { indices: [0], values: [1] },
        { indices: [1], values: [1] },
      ],
      [0, 1],
    );
    const clear = svm.predict({ indices: [0], values: [1] })[0];
    const mixed = svm.predict({ indices: [0, 1], values: [Math.SQRT1_2, Math.SQRT1_2] })[0];
    expect(clear).toBeGreaterThan(0.8);
    expect(mixed).toBeCloseTo(0.5, 5);
  });
});

describe('training', () => {
  it('encodes while it fits: the features are those encode() gives after fit()', () => {
    const texts = loadExamples(path.join(ROOT, 'intents')).map((e) => normalize(e.text));
    const once = new NgramEncoder();
    const features = once.fitEncode(texts);
    const twice = new NgramEncoder();
    twice.fit(texts);
    expect(features).toEqual(texts.map((t) => twice.encode(t)));
    expect(once.toState()).toEqual(twice.toState());
  });

  it('the NLU thread trains the intent model that this thread trains alone', async () => {
    const dir = path.join(ROOT, 'intents');
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlu-cache-'));
    const options = { langs: localeLangs(path.join(ROOT, 'locales')), defaultLang: 'es' as const, threshold: 0.35 };
    const thread = await createNlu({ thread: true, intentsDir: dir, cacheDir, options }, loadKnowledge(path.join(ROOT, 'knowledge')));
    await thread.close(); // once the thread has written the model it trained
    const [file] = fs.readdirSync(cacheDir);
    const together = IntentModel.fromState(JSON.parse(fs.readFileSync(path.join(cacheDir, file), 'utf8')).intent as IntentModelState);
    const examples = loadExamples(dir);
    const alone = IntentModel.train(examples.map((e) => e.text), examples.map((e) => e.intent));
    expect(together.intents).toEqual(alone.intents);
    expect(together.toState()).toEqual(alone.toState());
  }, 30_000);
});

describe('stemmers', () => {
  it.each([
    ['es', 'certificados', 'certific'],
    ['ca', 'oficines', 'ofic'],
    ['it', 'certificati', 'certific'],
    ['en', 'developing', 'develop'],
    ['sv', 'kontor', 'kont'],
  ])('%s: %s -> %s (Snowball, from NLP.js)', (lang, word, stem) => {
    expect(stemmerFor(lang)(word)).toBe(stem);
  });

  it('leaves a language without a stemmer package unstemmed', () => {
    expect(stemmerFor('xx')('oficinas')).toBe('oficinas');
  });

  it('character n-grams of stems match inflected forms a word model has never seen', () => {
    const model = trainPipeline(
      ['quiero el certificado', 'necesito un certificado', 'hola buenos dias', 'hola que tal'],
      ['certificate_request', 'certificate_request', 'greeting', 'greeting'],
      'es',
      { stems: true, words: false },
    );
    expect(model.predict('certificados').intent).toBe('certificate_request');
  });
});
