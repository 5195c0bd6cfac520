import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { ROOT } from '../../src/config.js';
import { Dialogue } from '../../src/conversation/turn.js';
import { checkRegistry, createRegistry, INTENTS } from '../../src/conversation/registry.js';
import { loadPolicy } from '../../src/conversation/policy.js';
import type { Address, Subscriptions } from '../../src/domain/types.js';
import { Knowledge } from '../../src/knowledge/knowledge.js';
import { loadKnowledge } from '../../src/knowledge/loader.js';
import type { Lang } from '../../src/knowledge/schema.js';
import type { NluResult } from '../../src/nlu/index.js';
import { loadTexts } from '../../src/shared/i18n.js';

const knowledge = new Knowledge(loadKnowledge(path.join(ROOT, 'knowledge')));
const texts = await loadTexts(path.join(ROOT, 'locales'));
const policy = loadPolicy(path.join(ROOT, 'dialogue'), INTENTS);

/** A fake NLU: each message's reading is given by the test. */
function fakeNlu(readings: Record<string, Partial<NluResult>>) {
  return {
    async analyse(text: string): Promise<NluResult> {
      return { lang: 'es', langConfidence: 1, intent: 'out_of_scope', confidence: 1, entities: {}, bare: false, ...readings[text] };
    },
  };
}

/** Subscriptions kept in a set, as the dialogue sees them. */
function memorySubscriptions(): Subscriptions & { all: Set<string> } {
  const all = new Set<string>();
  return {
    all,
    async add(office: string, address: Address) {
      const had = all.has(`${office}|${address.id}`);
      all.add(`${office}|${address.id}`);
      return !had;
    },
    async remove(address: Address, office?: string) {
      const gone = [...all].filter((k) => k.endsWith(`|${address.id}`) && (!office || k.startsWith(`${office}|`)));
      for (const k of gone) all.delete(k);
      return gone.length;
    },
    async offices(address: Address) {
      return [...all].filter((k) => k.endsWith(`|${address.id}`)).map((k) => k.split('|')[0]);
    },
  };
}

const address: Address = { channel: 'web', id: 'unit' };

describe('the dialogue with a fake NLU', () => {
  it('a bare office after a subscription asks its status, and subscribes nobody to it', async () => {
    const subscriptions = memorySubscriptions();
    const nlu = fakeNlu({
      'avísame cuando abra El Altet': { intent: 'subscribe_updates', entities: { office: 'elche-el-altet' } },
      '¿y Torrellano?': { intent: 'subscribe_updates', confidence: 0.4, entities: { office: 'elche-torrellano' }, bare: true },
    });
    const dialogue = new Dialogue({ nlu, knowledge, texts, policy, subscriptions });
    const first = await dialogue.turn({}, { text: 'avísame cuando abra El Altet', address });
    expect([...subscriptions.all]).toEqual(['elche-el-altet|unit']);
    const second = await dialogue.turn(first.session, { text: '¿y Torrellano?', address });
    expect(second.nlu.intent).toBe('office_status');
    expect(second.nlu.entities.office).toBe('elche-torrellano');
    expect([...subscriptions.all]).toEqual(['elche-el-altet|unit']);
  });

  it('asks for a missing slot (where: which council or agency) and takes a bare answer to it', async () => {
    const nlu = fakeNlu({
      '¿dónde está la oficina?': { intent: 'office_location' },
      'Altabix': { intent: 'out_of_scope', entities: { office: 'elche-altabix' }, bare: true },
    });
    const dialogue = new Dialogue({ nlu, knowledge, texts, policy, subscriptions: memorySubscriptions() });
    const ask = await dialogue.turn({}, { text: '¿dónde está la oficina?', address });
    expect(ask.reply.text.startsWith(texts.t('es')('ask.organisation', { orgs: '' }).split(':')[0])).toBe(true);
    expect(ask.session.pending).toMatchObject({ intent: 'office_location' });
    const answer = await dialogue.turn(ask.session, { text: 'Altabix', address });
    expect(answer.nlu).toMatchObject({ intent: 'office_location', entities: { office: 'elche-altabix' } });
  });

  it('an intent is added in one place: a registry entry (with its examples and texts beside it)', async () => {
    const registry = createRegistry({
      lost_property: { slots: { organisation: 'required' }, answer: (ctx) => ({ text: `lost property of ${ctx.org!.id}` }) },
    });
    const nlu = fakeNlu({
      'perdí la cartera': { intent: 'lost_property' },
      'Paiporta': { intent: 'out_of_scope', entities: { organisation: 'paiporta' }, bare: true },
    });
    const dialogue = new Dialogue({ nlu, knowledge, texts, policy, subscriptions: memorySubscriptions(), registry });
    const ask = await dialogue.turn({}, { text: 'perdí la cartera', address });
    expect(ask.reply.quickReplies.map((q) => q.label)).toEqual(knowledge.organisations.map((o) => o.name.es));
    const answer = await dialogue.turn(ask.session, { text: 'Paiporta', address });
    expect(answer.reply.text).toBe('lost property of paiporta');
    expect(() => checkRegistry(registry, [...INTENTS, 'lost_property'])).not.toThrow();
  });

  it('refuses a registry and training data that name different intents, with a readable reason', () => {
    expect(() => checkRegistry(createRegistry(), [...INTENTS, 'lost_property'])).toThrow(
      /intents\/ has examples for lost_property, which no entry of the intent registry answers/,
    );
    expect(() => checkRegistry(createRegistry(), INTENTS.filter((i) => i !== 'goodbye'))).toThrow(/answers goodbye, which have no intents\/<id>.yaml/);
  });

  it.each(['es', 'ca', 'it', 'sv', 'en'] as Lang[])('%s: every built-in intent answers without a placeholder left', async (lang) => {
    const dialogue = new Dialogue({ nlu: fakeNlu({}), knowledge, texts, policy, subscriptions: memorySubscriptions() });
    for (const intent of INTENTS) {
      const { reply } = await dialogue.turn({ organisation: 'elche', office: 'elche-el-altet' }, { text: '', intent, lang, address });
      expect(reply.text.length, intent).toBeGreaterThan(0);
      expect(reply.text, intent).not.toMatch(/\{\{|\}\}|undefined/);
    }
  });
});
