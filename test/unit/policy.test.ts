import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../src/config.js';
import { decide, loadPolicy, type Situation } from '../../src/conversation/policy.js';
import { createRegistry, INTENTS } from '../../src/conversation/registry.js';
import type { Session } from '../../src/domain/types.js';
import type { NluResult } from '../../src/nlu/index.js';

// The declared routing (dialogue/policy.yaml) on its own: readings of messages in, the intent out.
const policy = loadPolicy(path.join(ROOT, 'dialogue'), INTENTS);
const registry = createRegistry();

const reading = (r: Partial<NluResult>): NluResult => ({ lang: 'es', langConfidence: 1, intent: 'out_of_scope', confidence: 1, entities: {}, bare: false, ...r });
const decideFor = (r: Partial<NluResult>, session: Session = {}, lastTopic?: string) =>
  decide(policy, { nlu: reading(r), session, registry, lastTopic } satisfies Situation);

describe('the routing table (dialogue/policy.yaml)', () => {
  it('takes the classifier\'s intent when no rule holds', () => {
    expect(decideFor({ intent: 'office_hours', confidence: 0.95, act: 'when' })).toEqual({ intent: 'office_hours' });
  });

  it('a yes or a no answers the bot\'s offer, whatever the classifier reads', () => {
    const session: Session = { pending: { intent: 'forget_data', confirm: true } };
    expect(decideFor({ intent: 'greeting', confidence: 0.3, entities: { answer: 'yes' }, bare: true }, session).intent).toBe('forget_data');
    expect(decideFor({ intent: 'goodbye', confidence: 0.5, entities: { answer: 'no' }, bare: true }, session).intent).toBe('forget_data');
  });

  it('a yes in more words answers the erasure it was asked ("sí, bórrelo"); a no that names nothing else is a no, whatever the classifier reads', () => {
    const session: Session = { pending: { intent: 'forget_data', confirm: true } };
    expect(decideFor({ intent: 'forget_data', confidence: 0.95, entities: { answer: 'yes' } }, session).intent).toBe('forget_data');
    expect(decideFor({ intent: 'unsubscribe_updates', confidence: 1, entities: { answer: 'no' } }, session).intent).toBe('forget_data');
    // A no beside a question of its own is that question.
    expect(decideFor({ intent: 'office_status', confidence: 0.95, entities: { answer: 'no', office: 'elche-altabix' }, act: 'yes_no' }, session).intent).toBe('office_status');
  });

  it('a wish not to keep what was written is asked about (asking erases nothing); a question about data safety or a correction read as one is not', () => {
    const session: Session = { lastIntent: 'certificate_request', certificate: 'padron' };
    expect(decideFor({ intent: 'out_of_scope', confidence: 0.3, act: 'statement', eraseWish: true }, session, 'padron').intent).toBe('forget_data');
    expect(decideFor({ intent: 'certificate_request', confidence: 0.7, act: 'yes_no', eraseWish: true, entities: { certificate: 'padron' } }, session, 'padron').intent).toBe('forget_data');
    // "¿Se han llevado también mis datos?" asks about data safety; "lascia perdere quello che ho detto, intendevo Varese" corrects.
    expect(decideFor({ intent: 'out_of_scope', confidence: 0.4, act: 'yes_no', eraseWish: true, entities: { topic: 'data_safety' } }).intent).toBe('incident_info');
    expect(decideFor({ intent: 'contact_phone', confidence: 0.5, act: 'statement', eraseWish: true, correction: true }).intent).not.toBe('forget_data');
  });

  it('an office named answers "which office?", unless the classifier is sure of another question', () => {
    const session: Session = { pending: { intent: 'office_hours' } };
    expect(decideFor({ intent: 'office_status', confidence: 0.5, entities: { office: 'elche-altabix' }, bare: true }, session).intent).toBe('office_hours');
    expect(decideFor({ intent: 'contact_phone', confidence: 0.95, entities: { office: 'elche-altabix' } }, session).intent).toBe('contact_phone');
  });

  it('a topic takes the message where the classifier cannot place it, or where the topic takes that intent over', () => {
    expect(decideFor({ intent: 'out_of_scope', confidence: 0.3, entities: { certificate: 'padron' } }).intent).toBe('certificate_request');
    // "¿Cómo pido el certificado de curación?" with the ATS's page: the health service, not a certificate of a council.
    expect(decideFor({ intent: 'certificate_request', confidence: 0.9, entities: { health: 'recovery' }, act: 'how' }).intent).toBe('health_services');
    expect(decideFor({ intent: 'certificate_request', confidence: 0.9, entities: { certificate: 'padron', topic: 'appointment' }, act: 'yes_no' }).intent).toBe('appointment');
  });

  it('a question about the chat is answered as help, never erasure, unless the classifier is sure of another question', () => {
    expect(decideFor({ intent: 'forget_data', confidence: 0.5, act: 'about_chat', entities: { topic: 'conversation' } }).intent).toBe('help');
    expect(decideFor({ intent: 'office_status', confidence: 0.99, act: 'about_chat', entities: { scope: 'all' } }).intent).toBe('office_status');
  });

  it('a correction read as erasure asks what it corrects to ("olvida lo que te dije, quería decir Altabix")', () => {
    const reading = { intent: 'forget_data', confidence: 0.7, correction: true, entities: { office: 'elche-altabix' }, guesses: [{ intent: 'forget_data', confidence: 0.7 }, { intent: 'office_status', confidence: 0.2 }] };
    expect(decideFor(reading, { lastIntent: 'office_status', office: 'elche-torrellano' }).intent).toBe('office_status');
    // The same words without the correction: an erasure wish, asked about.
    expect(decideFor({ ...reading, correction: false, confidence: 0.4, entities: {} }).intent).toBe('forget_data');
  });

  it('asking for more asks the last question again, when the classifier is not sure of another', () => {
    const session: Session = { lastIntent: 'health_services' };
    expect(decideFor({ intent: 'goodbye', confidence: 0.5, more: true, act: 'yes_no' }, session, 'quarantine').intent).toBe('health_services');
    expect(decideFor({ intent: 'appointment', confidence: 0.95, more: true, act: 'yes_no' }, session, 'quarantine').intent).toBe('appointment');
    // Nothing asked before: nothing to say more of.
    expect(decideFor({ intent: 'goodbye', confidence: 0.5, more: true }).intent).toBe('goodbye');
  });

  it('personal data asked about is the incident, never erasure; "borra mis datos" stays erasure', () => {
    expect(decideFor({ intent: 'forget_data', confidence: 0.45, entities: { topic: 'data_safety' }, act: 'yes_no' }).intent).toBe('incident_info');
    expect(decideFor({ intent: 'forget_data', confidence: 0.98, entities: { topic: 'data_safety' }, act: 'statement' }).intent).toBe('forget_data');
  });

  it('a way of doing things alone asks about the last procedure', () => {
    const session: Session = { lastIntent: 'certificate_request' };
    expect(decideFor({ intent: 'help', confidence: 0.6, entities: { channel: 'online' }, act: 'yes_no' }, session).intent).toBe('certificate_request');
    expect(decideFor({ intent: 'contact_phone', confidence: 0.95, entities: { channel: 'phone' }, act: 'what' }, session).intent).toBe('contact_phone');
  });

  it('another place alone asks the last question again about it; a bare office with no conversation asks its status', () => {
    expect(decideFor({ intent: 'out_of_scope', confidence: 0.2, entities: { office: 'elche-torrellano' }, bare: true }, { lastIntent: 'office_hours' }).intent).toBe('office_hours');
    expect(decideFor({ intent: 'out_of_scope', confidence: 0.2, entities: { office: 'elche-torrellano' }, bare: true }, { lastIntent: 'subscribe_updates' }).intent).toBe('office_status');
    expect(decideFor({ intent: 'out_of_scope', confidence: 0.2, entities: { office: 'elche-torrellano' }, bare: true }).intent).toBe('office_status');
  });

  it('a yes/no question about an office that the classifier cannot place asks whether it is open; a bare office or one with a topic does not', () => {
    const office = { office: 'elche-altabix' };
    expect(decideFor({ intent: 'out_of_scope', confidence: 0.34, entities: office, act: 'yes_no' }).intent).toBe('office_status');
    expect(decideFor({ intent: 'contact_phone', confidence: 0.45, entities: office, act: 'yes_no' }).intent).toBe('office_status');
    // A topic of its own ("¿puedo pedir cita en Altabix?") is that topic's; the classifier sure of its reading keeps it.
    expect(decideFor({ intent: 'out_of_scope', confidence: 0.34, entities: { ...office, topic: 'appointment' }, act: 'yes_no' }).intent).toBe('appointment');
    expect(decideFor({ intent: 'office_location', confidence: 0.9, entities: office, act: 'yes_no' }).intent).toBe('office_location');
  });

  it('a question it cannot place, or reads as a goodbye, is about the topic of the turns before', () => {
    const session: Session = { lastIntent: 'transport_card' };
    expect(decideFor({ intent: 'out_of_scope', confidence: 0.3, act: 'what' }, session, 'transport_card').intent).toBe('transport_card');
    expect(decideFor({ intent: 'goodbye', confidence: 0.9, act: 'what' }, session, 'transport_card').intent).toBe('transport_card');
    expect(decideFor({ intent: 'goodbye', confidence: 0.9, act: 'statement' }, session, 'transport_card').intent).toBe('goodbye');
  });

  it('a wish for notices that is negated is a wish to stop them; a negated question is not', () => {
    expect(decideFor({ intent: 'subscribe_updates', confidence: 0.5, negated: true, act: 'statement' }).intent).toBe('unsubscribe_updates');
    expect(decideFor({ intent: 'subscribe_updates', confidence: 0.9, negated: true, act: 'yes_no' }).intent).toBe('subscribe_updates');
    expect(decideFor({ intent: 'subscribe_updates', confidence: 0.9, act: 'statement' }).intent).toBe('subscribe_updates');
  });

  it('a question about the bot is answered as such whatever the conversation was about, and whatever the bot asked', () => {
    const session: Session = { lastIntent: 'verify_contact', pending: { intent: 'verify_contact' } };
    expect(decideFor({ intent: 'help', confidence: 0.47, act: 'about_bot' }, session, 'padron').intent).toBe('help');
    expect(decideFor({ intent: 'human_agent', confidence: 0.8, act: 'about_bot' }, { lastIntent: 'certificate_request', certificate: 'padron' }, 'padron').intent).toBe('help');
  });

  it('a contact check read only weakly with no contact in the message is the classifier\'s next reading; with a number, or read surely, it stays', () => {
    const guesses = [{ intent: 'verify_contact', confidence: 0.57 }, { intent: 'document_submission', confidence: 0.2 }];
    expect(decideFor({ intent: 'verify_contact', confidence: 0.57, guesses }).intent).toBe('document_submission');
    expect(decideFor({ intent: 'verify_contact', confidence: 0.94, guesses }).intent).toBe('verify_contact');
    expect(decideFor({ intent: 'verify_contact', confidence: 0.57, guesses, contacts: [{ kind: 'phone', value: '965 123 456' }] } as Partial<NluResult>).intent).toBe('verify_contact');
  });

  it('whether an office is open on another day or at an hour asks its hours, however the classifier read it (a language named too)', () => {
    const office = { office: 'elche-plaza-crevillent' };
    expect(decideFor({ intent: 'office_status', confidence: 0.9, entities: office, act: 'yes_no', time: 'other' }).intent).toBe('office_hours');
    expect(decideFor({ intent: 'change_language', confidence: 0.7, entities: { ...office, language: 'es' }, act: 'yes_no', time: 'other' }).intent).toBe('office_hours');
    expect(decideFor({ intent: 'office_status', confidence: 0.9, entities: office, act: 'yes_no', time: 'today' }).intent).toBe('office_status');
  });

  it('a complaint read as a goodbye is answered as a complaint', () => {
    expect(decideFor({ intent: 'goodbye', confidence: 0.9, act: 'statement', complaint: true }).intent).toBe('out_of_scope');
  });

  it('refuses a policy that names an intent nobody answers, saying where', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-'));
    const yaml = fs.readFileSync(path.join(ROOT, 'dialogue', 'policy.yaml'), 'utf8').replace('then: topic', 'then: weather_forecast');
    fs.writeFileSync(path.join(dir, 'policy.yaml'), yaml);
    expect(() => loadPolicy(dir, INTENTS)).toThrow(/weather_forecast/);
  });
});
