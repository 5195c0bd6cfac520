import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { handoffKnowledge } from '../support/handoff-kb.js';
import { say, sessionOf } from '../support/helpers.js';
import { bearer } from '../support/staff.js';
import { onOneRedis } from '../support/shared-redis.js';

/** Two instances on one redis-server: the conversation and the queue are shared; a reply given on either reaches the citizen once. */
const TOKEN = 'handoff-redis-token-0123456789';
const dir = handoffKnowledge({ paiporta: { timeZone: 'Europe/Madrid', handoff: { enabled: true } } });
const { instances } = onOneRedis({ ADMIN_TOKEN: TOKEN, KNOWLEDGE_DIR: dir, SESSION_SECRET: 'a-secret-the-two-instances-share-0123456789' }, { timeout: 60_000 });

describe('hand-over with two instances on one Redis', () => {
  it("opens on one, is answered on the other; the reply reaches the citizen's events stream on the first once", async () => {
    const [a, b] = instances;
    const opened = await say(a.app, 'shared', 'Quiero hablar con una persona del Ayuntamiento de Paiporta', 'es');
    expect(opened.reply.text).toContain('Le paso con el personal del Ayuntamiento de Paiporta');
    // The citizen's next message lands on the other instance: appended, not answered by the bot.
    const held = await say(b.app, 'shared', 'Necesito un certificado de empadronamiento');
    expect(held.reply.text).toMatch(/^Recibido/);
    const [h] = (await b.app.inject({ method: 'GET', url: '/api/admin/handoffs', headers: bearer(TOKEN) })).json().handoffs;
    expect(h.messages.at(-1).text).toBe('Necesito un certificado de empadronamiento');

    await a.app.listen({ host: '127.0.0.1', port: 0 });
    const controller = new AbortController();
    const res = await fetch(`http://127.0.0.1:${(a.app.server.address() as AddressInfo).port}/api/chat/${sessionOf('shared')}/events`, { signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    const sentAt = Date.now();
    expect((await b.app.inject({ method: 'POST', url: `/api/admin/handoffs/${h.id}/messages`, headers: bearer(TOKEN), payload: { text: 'Le atiendo desde la otra instancia.' } })).statusCode).toBe(201);
    let buffer = '';
    while (!buffer.includes('\n\n', buffer.indexOf('event: notice'))) buffer += new TextDecoder().decode((await reader.read()).value);
    const ms = Date.now() - sentAt;
    controller.abort();
    expect(buffer).toContain('"text":"Personal del Ayuntamiento de Paiporta:\\nLe atiendo desde la otra instancia.","from":"staff"');
    expect(buffer.match(/event: notice/g)).toHaveLength(1);
    expect(ms).toBeLessThan(2500); // the other instance's stream finds it within its one-second check
    console.log(`reply given on instance B reached the stream on instance A in ${ms} ms`);
    for (const { app } of instances) expect((await app.inject({ method: 'GET', url: `/api/chat/${sessionOf('shared')}/notifications` })).json().notifications).toEqual([]);
  });
});
