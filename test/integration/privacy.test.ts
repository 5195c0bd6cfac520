import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { startApp } from '../support/helpers.js';
import { ADDRESSES, DIGIT, EMAILS, SAMPLES, writings } from '../support/personal-data.js';

const TOKEN = 'test-admin-token-0123456789';
let bot: ChatCore;
let app: FastifyInstance;

beforeAll(async () => {
  ({ bot, app } = await startApp({ ADMIN_TOKEN: TOKEN }));
});
afterAll(async () => {
  await app?.close();
  await bot?.close();
});

interface Unanswered {
  text: string;
}
const unanswered = async (): Promise<Unanswered[]> => {
  const res = await app.inject({ method: 'GET', url: '/api/admin/stats', headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.statusCode).toBe(200);
  return res.json().unanswered;
};

/** Out of scope, so that the statistics keep the question. */
const question = (data: string) => `what about the football? ${data}`;

/** Each citizen from an address of their own: one address adds at most 50 questions a day to the review list. */
let citizens = 0;
const ask = async (text: string) => {
  const n = ++citizens;
  const res = await app.inject({ method: 'POST', url: '/api/chat', remoteAddress: `10.0.${n >> 8}.${n & 255}`, payload: { text, lang: 'en' } });
  expect(res.statusCode).toBe(200);
};

describe('personal data in the statistics staff read (seeded through POST /api/chat)', () => {
  it('keeps no digit and no part of phones, IDs, IBANs, passports and cards, however they are written', async () => {
    const seeded = SAMPLES.flatMap((s) => writings(s.parts).map(([how, text]) => ({ name: `${s.name} (${how})`, secret: s.secret, text })));
    for (const s of seeded) await ask(question(s.text));
    const kept = await unanswered();
    expect(kept).toHaveLength(seeded.length);
    for (const [i, s] of seeded.entries()) {
      const text = kept[i].text;
      expect(text, `${s.name}: ${text}`).not.toMatch(DIGIT);
      expect(text.toUpperCase(), s.name).not.toContain(s.secret.toUpperCase());
      expect(text, s.name).toMatch(/^what about the football\? \[\w+\]$/);
    }
  });

  it('keeps no e-mail address (name@localhost too) and no street address', async () => {
    const before = (await unanswered()).length;
    for (const email of EMAILS) await ask(question(`write to ${email}`));
    for (const a of ADDRESSES) await ask(question(`I live at ${a.text}`));
    const kept = (await unanswered()).slice(before).map((u) => u.text);
    expect(kept).toHaveLength(EMAILS.length + ADDRESSES.length);
    for (const [i, email] of EMAILS.entries()) {
      expect(kept[i]).not.toContain(email.split('@')[0]);
      expect(kept[i]).toBe(question('write to [email]'));
    }
    for (const [i, a] of ADDRESSES.entries()) {
      const text = kept[EMAILS.length + i];
      expect(text, text).not.toMatch(DIGIT);
      for (const secret of a.secrets) expect(text).not.toContain(secret);
    }
  });

  it('stores no control or bidi character, and only the first 200 characters of a question', async () => {
    const before = (await unanswered()).length;
    await ask(question('\u202eevil\u202c \u0007 \u200f'));
    await ask(question('ballon '.repeat(280)));
    const [bidi, long] = (await unanswered()).slice(before).map((u) => u.text);
    expect(bidi).toContain('evil');
    expect(bidi).not.toMatch(/[\u202a-\u202e\u200e\u200f\u2066-\u2069\u0000-\u001f]/);
    expect(Array.from(long)).toHaveLength(200);
  });
});
