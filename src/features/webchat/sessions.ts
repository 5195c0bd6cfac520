import fs from 'node:fs';
import path from 'node:path';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Config } from '../../config.js';

/** A web-chat session id as the server issues it: 128 random bits and their HMAC, both base64url. */
const TOKEN = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;
const SECRET_FILE = 'session-secret';
/** Tokens verified lately, remembered: each message of a conversation would otherwise compute its HMAC again. */
const REMEMBERED = 10_000;

/**
 * Issues and checks the web chat's session ids, so that only the browser the server gave an id to
 * can continue that conversation or read its notices. Node's HMAC rather than a cookie signer:
 * the id travels in URL paths (/api/chat/:sessionId/…), so it must be base64url, and cookie
 * signers (cookie-signature, @fastify/cookie) write the MAC in plain base64, with "/" and "+".
 */
export class WebSessions {
  private readonly key: Buffer;
  /** Token -> session id, only for tokens whose MAC matched (a forged one is checked every time and never kept). */
  private readonly verified = new LRUCache<string, string>({ max: REMEMBERED });

  constructor(secret: string) {
    this.key = Buffer.from(secret, 'utf8');
  }

  private mac(id: string): Buffer {
    // The purpose in the MAC: the same secret can sign other things without them passing for session ids.
    return createHmac('sha256', this.key).update(`web-session:${id}`).digest();
  }

  /** A new session: `id` keys what the bot keeps, `token` is what the browser holds. */
  issue(): { id: string; token: string } {
    const id = randomBytes(16).toString('base64url');
    return { id, token: `${id}.${this.mac(id).toString('base64url')}` };
  }

  /** The session's id when the token is one this server (or one with the same secret) issued; otherwise undefined. */
  verify(token: string | undefined): string | undefined {
    const known = token && this.verified.get(token);
    if (known) return known;
    const parts = token ? TOKEN.exec(token) : null;
    if (!parts) return undefined;
    // The MAC as written, against the one spelling this server writes: 43 base64url characters
    // carry 258 bits, so the last one has spellings that decode to the same 32 bytes (#33, 12).
    const given = Buffer.from(parts[2], 'latin1');
    const expected = Buffer.from(this.mac(parts[1]).toString('base64url'), 'latin1');
    if (!timingSafeEqual(given, expected)) return undefined;
    this.verified.set(token!, parts[1]);
    return parts[1];
  }
}

/**
 * SESSION_SECRET, else the one generated into DATA_DIR on first use (kept there, so ids survive a
 * restart). Written whole to a file of its own and then linked into place, which fails if one is
 * there: two instances starting at once on the same DATA_DIR end up with the same secret.
 */
export function sessionSecret(config: Pick<Config, 'SESSION_SECRET' | 'DATA_DIR'>): string {
  if (config.SESSION_SECRET) return config.SESSION_SECRET;
  const file = path.join(config.DATA_DIR, SECRET_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(config.DATA_DIR, { recursive: true });
    const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    fs.writeFileSync(draft, randomBytes(32).toString('base64url'), { mode: 0o600 });
    try {
      fs.linkSync(draft, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      fs.rmSync(draft, { force: true });
    }
  }
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new Error(`Invalid configuration: ${file} holds no session secret (delete it to have one generated)`);
  return secret;
}

const byConfig = new WeakMap<object, WebSessions>();

/** The web sessions of a core's configuration, made once (the secret file is read once). */
export function webSessions(config: Pick<Config, 'SESSION_SECRET' | 'DATA_DIR'>): WebSessions {
  let sessions = byConfig.get(config);
  if (!sessions) byConfig.set(config, (sessions = new WebSessions(sessionSecret(config))));
  return sessions;
}
