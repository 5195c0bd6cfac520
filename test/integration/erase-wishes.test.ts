import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ChatCore } from '../../src/app/chat-core.js';
import { ROOT } from '../../src/config.js';
import { postChat, startApp, webId } from '../support/helpers.js';

// Wishes about this chat's records said indirectly or hesitantly, and messages close to them,
// written blind by native speakers (test/fixtures/erase-wishes/): none is an unmistakable
// command, so none may erase a conversation at once, whatever the classifier reads.

const DIR = path.join(ROOT, 'test/fixtures/erase-wishes');
const sets = ['es', 'ca', 'it', 'sv', 'en'].map((lang) => ({ lang, ...(yaml.load(fs.readFileSync(path.join(DIR, `${lang}.yaml`), 'utf8')) as { erase: string[]; not_erase: string[] }) }));

let core: ChatCore;
let app: FastifyInstance;
beforeAll(async () => {
  ({ bot: core, app } = await startApp());
});
afterAll(() => app.close());

describe('a wish to erase said indirectly never erases at once', () => {
  it.each(sets)('$lang: 20 wishes and 10 look-alikes, each after a first question, keep the conversation', async ({ lang, erase, not_erase }) => {
    expect(erase).toHaveLength(20);
    expect(not_erase).toHaveLength(10);
    const erased: string[] = [];
    for (const [i, text] of [...erase, ...not_erase].entries()) {
      const name = `wish-${lang}-${i}`;
      expect((await postChat(app, { sessionId: name, text: 'Torrellano?', org: 'elche' })).statusCode).toBe(200);
      const res = await postChat(app, { sessionId: name, text });
      expect(res.statusCode).toBe(200);
      if ((await core.stores.sessions.get(`web:${webId(core, name)}`)) === undefined) erased.push(text);
    }
    expect(erased).toEqual([]);
  });
});
