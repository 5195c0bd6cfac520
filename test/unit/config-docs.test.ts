import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../src/config.js';

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** The variables src/config.ts reads: the keys of its zod schema, and any env.X / process.env.X. */
function readByConfig(): string[] {
  const source = read('src/config.ts');
  const schema = source.slice(source.indexOf('const schema = z.object({'), source.indexOf('\n});', source.indexOf('const schema = z.object({')));
  const keys = [...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]);
  const direct = [...source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]);
  return [...new Set([...keys, ...direct])].sort();
}

/** The variables README's configuration table lists: the first cell of each row under "## Configuration". */
function documented(): string[] {
  const readme = read('README.md');
  const start = readme.indexOf('\n## Configuration\n');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  return [...section.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]).sort();
}

describe("README's configuration table", () => {
  it('lists every variable src/config.ts reads, and no other', () => {
    const variables = readByConfig();
    expect(variables.length).toBeGreaterThan(25); // the parse found the schema
    expect(variables).toContain('ADMIN_TOKEN');
    expect(documented()).toEqual(variables);
  });

  it('is the only place in src/ that reads process.env', () => {
    const files = fs.readdirSync(path.join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => /\.(ts|mts|js|mjs)$/.test(f));
    const readers = files.filter((f) => /process\.env\b/.test(read(path.join('src', f))));
    expect(readers).toEqual(['config.ts']);
  });
});
