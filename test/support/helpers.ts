import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig, ROOT, type Config } from '../../src/config.js';
import type { ChatCore } from '../../src/app/chat-core.js';
import { assemble } from '../../src/app/assemble.js';
import { buildApp } from '../../src/app/http.js';
import { webSessions } from '../../src/features/webchat/sessions.js';
import type { Lang } from '../../src/knowledge/schema.js';

/** Nothing a test writes lands in the checkout: DATA_DIR is this test file's own temporary folder. */
let dataDir: string | undefined;
const tempDataDir = (): string => {
  if (dataDir) return dataDir;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civic-test-data-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return (dataDir = dir);
};

/** The trained model, kept between test files and runs of this checkout (so that each does not retrain), outside it. */
const NLU_CACHE = path.join(os.tmpdir(), `civic-test-nlu-cache-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}`);

/**
 * Tests keep their state in process unless they ask for a store, run the NLU on their own thread
 * unless they ask for its, and on the n-gram encoder unless they ask for the embedding model
 * (NLU_ENCODER=auto: the held-out and real-encoder tests): the dialogue's tests do not wait for it.
 */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ LOG_LEVEL: 'silent', STORE: 'memory', NLU_THREAD: 'false', NLU_ENCODER: 'ngram', DATA_DIR: tempDataDir(), NLU_CACHE_DIR: NLU_CACHE, ...env });
}

/**
 * A bot on the sample knowledge base and the real training data, and its web app (no port);
 * with ADMIN_TOKEN in `env`, the admin API takes it.
 */
export async function startApp(env: Record<string, string> = {}): Promise<{ bot: ChatCore; app: FastifyInstance }> {
  const bot = await assemble(testConfig(env));
  const app = buildApp({ bot, adminToken: env.ADMIN_TOKEN });
  await app.ready();
  return { bot, app };
}

export interface ChatResponse {
  sessionId: string;
  lang: string;
  reply: { text: string; quickReplies: { label: string; text: string }[] };
  nlu: { intent: string; confidence: number; lang: string; entities: Record<string, string> };
}

/**
 * The signed session ids the server issued, by the name a test gave the conversation: a test
 * names its conversations ("admin-1"), the server issues their ids (an unsigned one starts a new
 * conversation), and these helpers send the issued one from the second turn on.
 */
const issued = new Map<string, string>();

/** The session id to send for the conversation a test calls `name` (the name itself before the server issued one). */
export const sessionOf = (name: string): string => issued.get(name) ?? name;

/** Keeps the id the server issued for the conversation a test calls `name`. */
export const remember = (name: string, sessionId: string): void => void issued.set(name, sessionId);

/** The id under which the bot keeps that conversation (its sessions, subscriptions and inbox key). */
export const webId = (bot: ChatCore, name: string): string | undefined => webSessions(bot.config).verify(issued.get(name));

/** POST /api/chat for the conversation a test calls `payload.sessionId`; remembers the id the server returns. */
export async function postChat(app: FastifyInstance, payload: Record<string, unknown> & { sessionId: string }): Promise<LightMyRequestResponse> {
  const res = await app.inject({ method: 'POST', url: '/api/chat', payload: { ...payload, sessionId: sessionOf(payload.sessionId) } });
  if (res.statusCode === 200) issued.set(payload.sessionId, res.json().sessionId);
  return res;
}

/** One turn through POST /api/chat, on an entry point's organisation or in a picked language. */
export async function ask(app: FastifyInstance, sessionId: string, text: string, extra: { org?: string; lang?: string } = {}): Promise<ChatResponse> {
  const res = await postChat(app, { sessionId, text, ...extra });
  if (res.statusCode !== 200) throw new Error(`POST /api/chat ${res.statusCode}: ${res.body}`);
  return res.json();
}

/** One turn through POST /api/chat. */
export const say = (app: FastifyInstance, sessionId: string, text: string, lang?: string): Promise<ChatResponse> => ask(app, sessionId, text, lang ? { lang } : {});

/** Whether the bot still keeps a web conversation (an erasure removes it). */
export const kept = async (bot: ChatCore, name: string): Promise<boolean> => (await bot.stores.sessions.get(`web:${webId(bot, name)}`)) !== undefined;

/**
 * One bot and web app for a test file's conversations, started before its tests and closed after
 * them: `session(tag)` names a new conversation, `ask` sends one message, `t` is a locale's text,
 * `kept` whether a conversation is still kept.
 */
export function chatting(prefix: string) {
  const started = {} as { bot: ChatCore; app: FastifyInstance };
  beforeAll(async () => {
    Object.assign(started, await startApp());
  });
  afterAll(() => started.app.close());
  let n = 0;
  return {
    get core(): ChatCore {
      return started.bot;
    },
    get app(): FastifyInstance {
      return started.app;
    },
    session: (tag: string) => `${prefix}-${tag}-${++n}`,
    ask: (sessionId: string, text: string, extra: { org?: string; lang?: Lang } = {}) => ask(started.app, sessionId, text, extra),
    t: (lang: Lang, key: string, values: Record<string, unknown> = {}) => started.bot.texts.t(lang)(key, values),
    kept: (name: string) => kept(started.bot, name),
  };
}
