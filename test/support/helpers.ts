import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config.js';
import { ChatCore } from '../../src/core/chat-core.js';
import { buildApp } from '../../src/http/app.js';

/** Tests keep their state in process unless they ask for a store. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ LOG_LEVEL: 'silent', STORE: 'memory', ...env });
}

/** A bot on the sample knowledge base and the real training data, and its web app (no port). */
export async function startApp(env: Record<string, string> = {}): Promise<{ bot: ChatCore; app: FastifyInstance }> {
  const bot = await ChatCore.create(testConfig(env));
  const app = buildApp({ bot });
  await app.ready();
  return { bot, app };
}

export interface ChatResponse {
  sessionId: string;
  lang: string;
  reply: { text: string; quickReplies: { label: string; text: string }[] };
  nlu: { intent: string; confidence: number; lang: string; entities: Record<string, string> };
}

/** One turn through POST /api/chat. */
export async function say(app: FastifyInstance, sessionId: string, text: string, lang?: string): Promise<ChatResponse> {
  const res = await app.inject({ method: 'POST', url: '/api/chat', payload: { sessionId, text, ...(lang ? { lang } : {}) } });
  if (res.statusCode !== 200) throw new Error(`POST /api/chat ${res.statusCode}: ${res.body}`);
  return res.json();
}
