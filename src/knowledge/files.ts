import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { writeYaml } from '../shared/yaml.js';
import { FILES } from './loader.js';
import type { KnowledgeBase } from './schema.js';

const HEADER = '# Written by `npm run admin -- knowledge export`; `knowledge import` reads it back (README, "Editing the knowledge base").\n';

/** The schema inside defaults and optionals. */
function inner(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  return s;
}

/**
 * An entry without the fields that hold what their absence gives (an empty text, no contacts,
 * `reopened: false`): the files read as staff write them, and read back to the same entry.
 */
function lean(schema: z.ZodType, value: unknown): unknown {
  const s = inner(schema);
  if (s instanceof z.ZodArray && Array.isArray(value)) return value.map((v) => lean(s.element as z.ZodType, v));
  if (!(s instanceof z.ZodObject) || !value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(s.shape as Record<string, z.ZodType>)) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    const absent = field.safeParse(undefined);
    if (absent.success && isDeepStrictEqual(absent.data, v)) continue;
    out[key] = lean(field, v);
  }
  return out;
}

/** The knowledge as the four files of knowledge/, by file name: the same knowledge always gives the same bytes. */
export function knowledgeFiles(kb: KnowledgeBase): Record<string, string> {
  return Object.fromEntries(
    Object.entries(FILES).map(([list, [file, schema]]) => [file, HEADER + writeYaml(kb[list as keyof KnowledgeBase].map((entry) => lean(schema, entry)))]),
  );
}

/** Writes the four files into dir (created if missing); returns their paths. */
export function writeKnowledge(dir: string, kb: KnowledgeBase): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return Object.entries(knowledgeFiles(kb)).map(([file, text]) => {
    const full = path.join(dir, file);
    fs.writeFileSync(full, text);
    return full;
  });
}
