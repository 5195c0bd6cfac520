import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import { testConfig } from '../support/helpers.js';

function sinkOf(lines: string[]): Writable {
  return new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
}

async function logsOf(env: Record<string, string>, text: string): Promise<string> {
  const lines: string[] = [];
  const sink = sinkOf(lines);
  const bot = await assemble(testConfig({ LOG_LEVEL: 'trace', ...env }));
  const app = buildApp({ bot, logger: pino({ level: 'trace' }, sink) });
  await app.inject({ method: 'POST', url: '/api/chat', payload: { sessionId: 'log-1', text } });
  await app.inject({ method: 'POST', url: '/api/chat', payload: { sessionId: 'log-1', text: 42 } as never });
  await app.close();
  await bot.close();
  for (const line of lines) expect(() => JSON.parse(line)).not.toThrow(); // JSON lines
  return lines.join('');
}

describe('logs', () => {
  const text = 'mi DNI es 12345678Z, ¿está abierta la OMAC de Torrellano?';
  it('carry no message text or personal data by default', async () => {
    const logs = await logsOf({}, text);
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain('12345678Z');
    expect(logs).not.toContain('Torrellano');
  });

  it('carry the message text when LOG_MESSAGES=true', async () => {
    const logs = await logsOf({ LOG_MESSAGES: 'true' }, text);
    expect(logs).toContain('12345678Z');
    expect(logs).toContain('"intent":"office_status"');
  });
});

describe('request ids', () => {
  it("are in the response (x-request-id) and in the log line of the request; a proxy's UUID or hexadecimal id is kept, anything else replaced (#33, 11)", async () => {
    const lines: string[] = [];
    const bot = await assemble(testConfig());
    const app = buildApp({ bot, logger: pino({ level: 'info' }, sinkOf(lines)) });
    const text = 'mi DNI es 12345678Z, ¿está abierta la OMAC de Torrellano?';
    const generated = await app.inject({ method: 'POST', url: '/api/chat', payload: { sessionId: 'rid-1', text } });
    const PROXY = '3f2b8c1e-9d4a-4c6b-8e2f-7a1d5c9b0e44';
    const fromProxy = await app.inject({ method: 'GET', url: '/api/chat/rid-1/notifications', headers: { 'x-request-id': PROXY } });
    const fromNginx = await app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': '0f1e2d3c4b5a69788796a5b4c3d2e1f0' } });
    const chosen = await Promise.all(['admin', '1', 'caddy-7f3a.19', '../../etc/passwd', 'a/b@c+d=e', 'f'.repeat(65)].map((id) => app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': id } })));
    const forged = await app.inject({ method: 'POST', url: '/api/chat', headers: { 'x-request-id': 'x\n{"level":60}' }, payload: { sessionId: 'rid-1', text: 7 } });
    const tooLong = await app.inject({ method: 'GET', url: '/nowhere', headers: { 'x-request-id': 'a'.repeat(129) } });
    await app.close();
    await bot.close();

    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    expect(generated.headers['x-request-id']).toMatch(uuid);
    expect(fromProxy.headers['x-request-id']).toBe(PROXY);
    expect(fromNginx.headers['x-request-id']).toBe('0f1e2d3c4b5a69788796a5b4c3d2e1f0');
    for (const res of chosen) expect(res.headers['x-request-id']).toMatch(uuid);
    expect(forged.statusCode).toBe(400);
    expect(forged.headers['x-request-id']).toMatch(uuid);
    expect(tooLong.statusCode).toBe(404);
    expect(tooLong.headers['x-request-id']).toMatch(uuid);

    const entries = lines.map((line) => JSON.parse(line));
    const ofRequest = (id: unknown) => entries.filter((e) => e.reqId === id);
    // One line per answered request, with its id, its route's pattern and its status; a refusal adds its own.
    expect(ofRequest(generated.headers['x-request-id'])).toEqual([expect.objectContaining({ msg: 'request done', route: '/api/chat', statusCode: 200 })]);
    // (its session id is not one the server issued: refused, and logged as such)
    expect(ofRequest(PROXY)).toEqual([expect.objectContaining({ route: '/api/chat/:sessionId/notifications', statusCode: 403 })]);
    expect(ofRequest(forged.headers['x-request-id']).map((e) => e.msg)).toEqual(['request refused', 'request done']);
    expect(ofRequest(tooLong.headers['x-request-id'])).toEqual([expect.objectContaining({ route: 'unmatched', statusCode: 404 })]);
    for (const entry of entries) expect(entry.reqId, entry.msg).toBeDefined();
    // Never what was written, nor the session id in a URL.
    const all = lines.join('');
    for (const secret of ['12345678Z', 'Torrellano', 'rid-1', '"level":60}']) expect(all).not.toContain(secret);
  });
});
