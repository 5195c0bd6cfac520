import { EventEmitter } from 'node:events';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../../src/config.js';
import { webchat } from '../../src/features/webchat/index.js';
import { webSessions } from '../../src/features/webchat/sessions.js';
import type { ChatRequest } from '../../src/conversation/types.js';
import type { WebChatPort } from '../../src/features/webchat/port.js';
import type { TurnResult } from '../../src/conversation/types.js';
import type { Address } from '../../src/domain/types.js';
import { useZodSchemas } from '../../src/http/schemas.js';
import { Knowledge } from '../../src/knowledge/knowledge.js';
import { loadKnowledge } from '../../src/knowledge/loader.js';
import { loadTexts } from '../../src/shared/i18n.js';
import { STAFF_NOTICE, StoreUnavailableError, type InboxRepository, type Notice } from '../../src/storage/index.js';

const texts = await loadTexts(path.join(ROOT, 'locales'));
const knowledge = new Knowledge(loadKnowledge(path.join(ROOT, 'knowledge')));
const org = knowledge.base.organisations[0].id;

const canned: TurnResult = {
  lang: 'en',
  reply: { text: 'A canned answer.', quickReplies: [{ label: 'Help', text: 'help' }] },
  nlu: { lang: 'en', langConfidence: 1, intent: 'help', confidence: 0.9, entities: {}, bare: false },
  session: {},
};

/** An inbox in a map: each session's notices in the order pushed; `down` makes it refuse as an unreachable store does. */
function fakeInbox(): InboxRepository & { down: boolean } {
  const notices = new Map<string, Notice[]>();
  const takeNotices = async (sessionId: string) => {
    if (inbox.down) throw new StoreUnavailableError(new Error('connection refused'));
    const taken = notices.get(sessionId) ?? [];
    notices.delete(sessionId);
    return taken;
  };
  const inbox = {
    down: false,
    async push(sessionId: string, id: string, text: string) {
      notices.set(sessionId, [...(notices.get(sessionId) ?? []), { id, text }]);
    },
    count: async (sessionId: string) => notices.get(sessionId)?.length ?? 0,
    take: async (sessionId: string) => (await takeNotices(sessionId)).map((n) => n.text),
    takeNotices,
  };
  return inbox;
}

/** The web chat's port and nothing else: it records what the routes asked of it. */
function fakePort() {
  const requests: ChatRequest[] = [];
  const forgotten: Address[] = [];
  const inbox = fakeInbox();
  const port: WebChatPort = {
    async chat(request) {
      requests.push(request);
      return canned;
    },
    async forget(address) {
      forgotten.push(address);
      return { lang: 'en' };
    },
    config: { SESSION_SECRET: 'a-test-secret-of-at-least-32-characters', DATA_DIR: '/nonexistent', LOG_MESSAGES: false, DEFAULT_LANG: 'es' },
    texts,
    knowledge,
    stores: { inbox },
    handoffs: { events: new EventEmitter() },
    crisisNotices: () => [],
  };
  return { port, requests, forgotten, inbox };
}

let app: FastifyInstance | undefined;

async function serve(getPort: () => WebChatPort | undefined): Promise<FastifyInstance> {
  app = Fastify({ logger: false });
  useZodSchemas(app);
  await app.register(webchat, { getPort, origins: [], rateLimitPerMinute: 0 });
  await app.ready();
  return app;
}

afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('the web chat plugin against its port alone', () => {
  it('hands a message to port.chat as a web turn of a session it signed, and sends back the reply', async () => {
    const { port, requests } = fakePort();
    const server = await serve(() => port);
    const first = await server.inject({ method: 'POST', url: '/api/chat', payload: { text: 'hello', lang: 'en', org } });
    expect(first.statusCode).toBe(200);
    const body = first.json();
    expect(body.reply).toEqual(canned.reply);
    expect(body.nlu).toEqual({ intent: 'help', confidence: 0.9, lang: 'en', entities: {} });
    const sessionId = webSessions(port.config).verify(body.sessionId);
    expect(sessionId).toBeDefined();
    expect(requests).toEqual([{ sessionId, text: 'hello', lang: 'en', org, channel: 'web', client: '127.0.0.1' }]);

    // The token it returned continues the same session.
    const second = await server.inject({ method: 'POST', url: '/api/chat', payload: { sessionId: body.sessionId, text: 'and then?' } });
    expect(second.json().sessionId).toBe(body.sessionId);
    expect(requests[1]).toMatchObject({ sessionId, text: 'and then?', channel: 'web' });
  });

  it('refuses an organisation or a language the port does not know, without a turn', async () => {
    const { port, requests } = fakePort();
    const server = await serve(() => port);
    const noOrg = await server.inject({ method: 'POST', url: '/api/chat', payload: { text: 'hello', org: 'atlantis' } });
    expect(noOrg.statusCode).toBe(400);
    expect(noOrg.json().message).toBe('No organisation "atlantis" in the knowledge base.');
    const noLang = await server.inject({ method: 'POST', url: '/api/chat', payload: { text: 'hello', lang: 'zz' } });
    expect(noLang.statusCode).toBe(400);
    expect(requests).toEqual([]);
  });

  it('answers 503 while getPort returns undefined, and serves once it returns the port', async () => {
    const { port, requests } = fakePort();
    let ready: WebChatPort | undefined;
    const server = await serve(() => ready);
    const chat = { method: 'POST' as const, url: '/api/chat', payload: { text: 'hello' } };
    const starting = await server.inject(chat);
    expect(starting.statusCode).toBe(503);
    expect(starting.json().message).toBe('The bot is still starting.');
    expect((await server.inject({ method: 'GET', url: '/api/widget/i18n/en' })).statusCode).toBe(503);
    expect(requests).toEqual([]);

    ready = port;
    expect((await server.inject(chat)).statusCode).toBe(200);
    const labels = await server.inject({ method: 'GET', url: '/api/widget/i18n/en' });
    expect(labels.statusCode).toBe(200);
    expect(labels.json().langs).toEqual(texts.langs);
    expect(requests).toHaveLength(1);
  });

  it('polls the notices from the inbox the port exposes, oldest first, and empties it', async () => {
    const { port, inbox } = fakePort();
    const server = await serve(() => port);
    const { sessionId: token } = (await server.inject({ method: 'POST', url: '/api/chat', payload: { text: 'subscribe' } })).json();
    const id = webSessions(port.config).verify(token)!;
    await inbox.push(id, 'change-1', 'Torrellano is closed today.');
    await inbox.push(id, `change-2${STAFF_NOTICE}`, 'A staff reply.');
    await inbox.push('someone-else', 'change-3', 'Not yours.');

    const poll = () => server.inject({ method: 'GET', url: `/api/chat/${token}/notifications` });
    const first = await poll();
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ notifications: ['Torrellano is closed today.', 'A staff reply.'] });
    expect((await poll()).json()).toEqual({ notifications: [] });
    expect(await inbox.count('someone-else')).toBe(1);

    // An unreachable store: no notices this time, and no error.
    await inbox.push(id, 'change-4', 'Later.');
    inbox.down = true;
    const away = await poll();
    expect(away.statusCode).toBe(200);
    expect(away.json()).toEqual({ notifications: [] });
    inbox.down = false;
    expect((await poll()).json()).toEqual({ notifications: ['Later.'] });

    // Without the signed id nothing is read.
    await inbox.push(id, 'change-5', 'Still here.');
    expect((await server.inject({ method: 'GET', url: `/api/chat/${id}/notifications` })).statusCode).toBe(403);
    expect(await inbox.count(id)).toBe(1);
  });

  it('erases a session through port.forget and says so in its language', async () => {
    const { port, forgotten } = fakePort();
    const server = await serve(() => port);
    const { sessionId: token } = (await server.inject({ method: 'POST', url: '/api/chat', payload: { text: 'hello' } })).json();
    const erased = await server.inject({ method: 'DELETE', url: `/api/chat/${token}` });
    expect(erased.statusCode).toBe(200);
    expect(erased.json()).toEqual({ erased: true, text: texts.t('en')('forget.done') });
    expect(forgotten).toEqual([{ channel: 'web', id: webSessions(port.config).verify(token) }]);
  });
});
