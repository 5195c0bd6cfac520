import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { testConfig } from '../support/helpers.js';

let core: ChatCore;
beforeAll(async () => {
  core = await assemble(testConfig());
});
afterAll(() => core.close());

describe('one conversation, two messages at the same moment', () => {
  it.each(['memory', 'sqlite'])('both land in the session (%s store)', async (store) => {
    const c = store === 'memory' ? core : await assemble(testConfig({ STORE: 'sqlite' }));
    const chat = (text: string) => c.chat({ sessionId: 'together', text, channel: 'web' });
    const [office, certificate] = await Promise.all([chat('¿Está abierta la OMAC de El Altet?'), chat('Necesito el certificado de empadronamiento')]);
    expect(office.nlu.entities.office).toBe('elche-el-altet');
    expect(certificate.nlu.entities.certificate).toBe('padron');
    const session = await c.stores.sessions.get('web:together');
    expect(session).toMatchObject({ office: 'elche-el-altet', certificate: 'padron' });
    if (c !== core) await c.close();
  });
});
