import { describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { say } from '../support/helpers.js';
import { onOneRedis } from '../support/shared-redis.js';
import { bearer } from '../support/staff.js';

const TOKEN = 'teach-redis-admin-token-0123456789';
// The NLU on its own thread, as in production; each instance watches the overlay's version.
const { instances } = onOneRedis({ ADMIN_TOKEN: TOKEN, NLU_THREAD: 'true', NLU_OVERLAY_POLL_MS: '500' });

const TAUGHT = 'tengo que sacar el volante para matricular al niño';
const UNSEEN = 'necesito el volante para matricular a mi hijo en el instituto';

const teach = (app: FastifyInstance, text: string, intent: string) =>
  app.inject({ method: 'POST', url: '/api/admin/examples', headers: bearer(TOKEN), payload: { text, lang: 'es', intent } });

describe('teaching with two instances on one redis-server', () => {
  it('the same text taught as two intents at once on the two instances: one is taught, the other refused with it', async () => {
    const [a, b] = instances;
    const text = 'el volante para el cole de mi sobrino';
    const [x, y] = await Promise.all([teach(a.app, text, 'certificate_request'), teach(b.app, text, 'document_submission')]);
    expect([x.statusCode, y.statusCode].sort()).toEqual([201, 409]);
    const refused = x.statusCode === 409 ? x : y;
    expect(refused.json().contradicts).toMatchObject({ text, source: 'taught' });
    expect((await a.bot.stores.examples.list()).map((e) => e.text)).toEqual([text]);
  }, 30_000);

  it('an example taught on one instance is served by both within 10 seconds', async () => {
    const [a, b] = instances;
    expect((await say(b.app, 'before', UNSEEN, 'es')).nlu.intent).not.toBe('certificate_request');
    const start = performance.now();
    const res = await teach(a.app, TAUGHT, 'certificate_request');
    expect(res.statusCode, res.body).toBe(201);
    const version = res.json().model.version;
    const read: Record<string, string> = {};
    for (const [i, { app }] of instances.entries()) {
      while (performance.now() - start < 10_000) {
        read[i] = (await say(app, `after-${i}-${Math.round(performance.now())}`, UNSEEN, 'es')).nlu.intent;
        if (read[i] === 'certificate_request') break;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const took = performance.now() - start;
    console.log(`both instances serve the taught example ${Math.round(took)} ms after it was taught`);
    expect(read).toEqual({ 0: 'certificate_request', 1: 'certificate_request' });
    expect(took).toBeLessThan(10_000);
    expect(b.bot.teaching.status()).toMatchObject({ version, taught: 2 });
  }, 30_000);

  it('an example undone on one instance is gone from both models within 10 seconds; a dismissal is shared, for its organisation', async () => {
    const [a, b] = instances;
    const [first] = await a.bot.stores.examples.list();
    const res = await b.app.inject({ method: 'DELETE', url: `/api/admin/examples/${first.id}`, headers: bearer(TOKEN) });
    expect(res.statusCode, res.body).toBe(200);
    const start = performance.now();
    while (a.bot.teaching.status().taught !== 1 && performance.now() - start < 10_000) await new Promise((r) => setTimeout(r, 100));
    expect(a.bot.teaching.status()).toMatchObject({ taught: 1, version: b.bot.teaching.status().version });
    await b.bot.teaching.dismiss('0123456789abcdef', ['elche']);
    const settled = await a.bot.teaching.settled();
    expect([settled('0123456789abcdef', 'elche'), settled('0123456789abcdef', 'paiporta')]).toEqual([true, false]);
  }, 30_000);
});
