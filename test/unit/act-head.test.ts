import { describe, expect, it } from 'vitest';
import { ActHead } from '../../src/nlu/intent.js';
import { trainingText } from '../../src/nlu/contacts.js';

describe('the act head (intents/acts/)', () => {
  const intents = ['where is the office', 'when does the office open', 'delete my data', 'how do I book a swab'].map(trainingText);
  const acts = [
    { text: 'this is a disgrace', act: 'complaint' },
    { text: 'useless bot', act: 'complaint' },
    { text: 'are you a robot', act: 'about_bot' },
  ];
  const head = ActHead.fit(intents, acts);

  it('reads the words of an act that no intent example holds (its vocabulary is its own)', () => {
    expect(head.read(trainingText('what a disgrace'))).toBe('complaint');
    expect(head.read(trainingText('useless'))).toBe('complaint');
    expect(head.read(trainingText('are you a robot?'))).toBe('about_bot');
  });

  it('reads no act in an intent\'s own words', () => {
    expect(head.read(trainingText('when does the office open?'))).toBeUndefined();
    expect(head.read(trainingText('delete my data'))).toBeUndefined();
  });

  it('acts of another group are a part of their own: the first group reads as it did alone', () => {
    const conversation = [
      { text: 'do you keep what I write', act: 'about_chat', head: 'conversation' },
      { text: 'anything else', act: 'more', head: 'conversation' },
    ];
    const both = ActHead.fit(intents, [...acts, ...conversation]);
    for (const text of ['what a disgrace', 'useless', 'are you a robot?', 'where is the office', 'delete my data']) {
      expect(both.readAll(trainingText(text))[0] ?? null, text).toBe(head.read(trainingText(text)) ?? null);
    }
    expect(both.readAll(trainingText('do you keep what I write?'))).toContain('about_chat');
    const copy = ActHead.fromState(JSON.parse(JSON.stringify(both.toState())));
    expect(copy.readAll(trainingText('anything else?'))).toEqual(both.readAll(trainingText('anything else?')));
  });

  it('survives its state, as the model cache and the retraining thread pass it on', () => {
    const copy = ActHead.fromState(JSON.parse(JSON.stringify(head.toState())));
    for (const text of ['what a disgrace', 'are you a robot?', 'where is the office']) expect(copy.read(trainingText(text))).toBe(head.read(trainingText(text)));
  });
});
