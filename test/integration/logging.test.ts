import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ChatCore } from '../../src/core/chat-core.js';
import { buildApp } from '../../src/http/app.js';
import { testConfig } from '../support/helpers.js';

async function logsOf(env: Record<string, string>, text: string): Promise<string> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const bot = await ChatCore.create(testConfig({ LOG_LEVEL: 'trace', ...env }));
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
