import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app/http.js';
import { startApp, say } from '../support/helpers.js';

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await startApp());
});
afterAll(() => app.close());

describe('GET /health', () => {
  it('is 503 while the bot starts and 200 once ready', async () => {
    const starting = buildApp({ bot: () => undefined });
    const res = await starting.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    const chat = await starting.inject({ method: 'POST', url: '/api/chat', payload: { sessionId: 'a', text: 'hola' } });
    expect(chat.statusCode).toBe(503);
    await starting.close();
    const ready = await app.inject({ method: 'GET', url: '/health' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ok', encoders: expect.arrayContaining(['ngram']), nluStartMs: expect.any(Number) });
  });
});

describe('POST /api/chat', () => {
  it('answers with the documented shape', async () => {
    const body = await say(app, 'shape', '¿Está abierta la OMAC de Torrellano?');
    expect(body).toMatchObject({
      // The server's id for the conversation: signed, never the name the client made up.
      sessionId: expect.stringMatching(/^[\w-]{22}\.[\w-]{43}$/),
      lang: 'es',
      reply: { text: expect.any(String), quickReplies: expect.any(Array) },
      nlu: { intent: 'office_status', lang: 'es', entities: { office: 'elche-torrellano', organisation: 'elche' } },
    });
    expect(body.nlu.confidence).toBeGreaterThan(0);
    expect(body.reply.text).toContain('Torrellano');
  });

  const bad: [string, { payload?: string; contentType?: string }, number][] = [
    ['empty body', { payload: '', contentType: 'application/json' }, 400],
    ['invalid JSON', { payload: '{"sessionId": "a", "text": ', contentType: 'application/json' }, 400],
    ['missing text', { payload: JSON.stringify({ sessionId: 'a' }) }, 400],
    ['extra field', { payload: JSON.stringify({ sessionId: 'a', text: 'hola', admin: true }) }, 400],
    ['text of wrong type', { payload: JSON.stringify({ sessionId: 'a', text: 42 }) }, 400],
    ['sessionId of wrong type', { payload: JSON.stringify({ sessionId: ['a'], text: 'hola' }) }, 400],
    ['unknown language', { payload: JSON.stringify({ sessionId: 'a', text: 'hola', lang: 'fr' }) }, 400],
    ['empty text', { payload: JSON.stringify({ sessionId: 'a', text: '' }) }, 400],
    ['blank text', { payload: JSON.stringify({ sessionId: 'a', text: '   \n ' }) }, 400],
    ['10 kB text', { payload: JSON.stringify({ sessionId: 'a', text: 'x'.repeat(10_000) }) }, 400],
    ['129-character sessionId', { payload: JSON.stringify({ sessionId: 's'.repeat(129), text: 'hola' }) }, 400],
    ['a JSON array', { payload: '[]' }, 400],
    ['wrong content type', { payload: 'sessionId=a&text=hola', contentType: 'application/x-www-form-urlencoded' }, 415],
    ['text/plain', { payload: 'hola', contentType: 'text/plain' }, 415],
    ['1 MB body', { payload: JSON.stringify({ sessionId: 'a', text: 'x'.repeat(1_000_000) }) }, 413],
  ];
  it.each(bad)('refuses %s with a 4xx JSON error', async (_name, { payload, contentType }, status) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/chat',
      headers: { 'content-type': contentType ?? 'application/json' },
      payload,
    });
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.json().message).toEqual(expect.any(String));
  });

  it('gives a request without sessionId (an integrator\'s first message) a session id of its own, which continues the conversation', async () => {
    const first = await app.inject({ method: 'POST', url: '/api/chat', payload: { text: '¿Está abierta la OMAC de Torrellano?' } });
    expect(first.statusCode).toBe(200);
    const { sessionId } = first.json();
    expect(sessionId).toMatch(/^[\w-]{22}\.[\w-]{43}$/);
    const next = await app.inject({ method: 'POST', url: '/api/chat', payload: { sessionId, text: '¿y su dirección?' } });
    expect(next.statusCode).toBe(200);
    expect(next.json().sessionId).toBe(sessionId);
    expect(next.json().nlu.entities.office).toBe('elche-torrellano');
  });

  it('keeps serving after bad input', async () => {
    await app.inject({ method: 'POST', url: '/api/chat', headers: { 'content-type': 'application/json' }, payload: '{{{' });
    const body = await say(app, 'after-bad', 'hola');
    expect(body.nlu.intent).toBe('greeting');
  });

  it('treats binary and control characters as text, not as an error', async () => {
    const body = await say(app, 'binary', '\u0000\u0001\u0002\uFFFD\u202E ¿abierto?');
    expect(body.reply.text.length).toBeGreaterThan(0);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await app.inject({ method: 'GET', url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toContain('/nope');
  });
});
