import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

export interface HeldOutTurn {
  text: string;
  intent: string;
  office?: string;
}

export interface HeldOutFile {
  messages: HeldOutTurn[];
  dialogues: HeldOutTurn[][];
}

export interface HeldOutScore {
  lang: string;
  turns: number;
  intentAccuracy: number;
  officeAccuracy: number;
  /** Language identification on messages of three words or more. */
  langAccuracy: number;
  errors: { text: string; expected: string; got: string }[];
}

/** Reads <dir>/<lang>.json files in the held-out format: {messages: [...], dialogues: [[...]]}. */
export function loadHeldOut(dir: string): Record<string, HeldOutFile> {
  const out: Record<string, HeldOutFile> = {};
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
    out[path.basename(f, '.json')] = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  }
  return out;
}

/** Plays every message (fresh session each) and every dialogue through POST /api/chat. */
export async function scoreHeldOut(app: FastifyInstance, lang: string, file: HeldOutFile): Promise<HeldOutScore> {
  let n = 0;
  let intents = 0;
  let offices = 0;
  let langN = 0;
  let langs = 0;
  const errors: HeldOutScore['errors'] = [];
  const conversations = [...file.messages.map((m) => [m]), ...file.dialogues];
  for (const turns of conversations) {
    // The server issues the conversation's id with its first answer; the later turns send it.
    let sessionId: string | undefined;
    for (const turn of turns) {
      const res = await app.inject({ method: 'POST', url: '/api/chat', payload: { ...(sessionId ? { sessionId } : {}), text: turn.text } });
      const body = res.json();
      sessionId = body.sessionId;
      n++;
      const gotOffice = body.nlu?.entities?.office;
      if (body.nlu?.intent === turn.intent) intents++;
      else errors.push({ text: turn.text, expected: turn.intent, got: body.nlu?.intent });
      if ((gotOffice ?? '') === (turn.office ?? '')) offices++;
      else errors.push({ text: turn.text, expected: `office ${turn.office ?? '-'}`, got: `office ${gotOffice ?? '-'}` });
      if (turn.text.trim().split(/\s+/).length >= 3) {
        langN++;
        if (body.nlu?.lang === lang) langs++;
        else errors.push({ text: turn.text, expected: `lang ${lang}`, got: `lang ${body.nlu?.lang}` });
      }
    }
  }
  return { lang, turns: n, intentAccuracy: intents / n, officeAccuracy: offices / n, langAccuracy: langs / langN, errors };
}
