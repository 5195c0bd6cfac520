/**
 * npm run admin -- <command>: the admin API from the terminal, against the running server
 * (http://HOST:PORT, with ADMIN_TOKEN from the environment).
 *
 *   offices                                   the status board
 *   status <office-id> <status> [--expected "text"] [--note-<lang> "text"]
 *   reload                                    re-read knowledge/
 *   stats [from] [to]                         YYYY-MM-DD
 *   audit                                     the audit log
 *   backup <file> | restore <file> [--force]  on the store itself (scripts/admin/backup.ts)
 *   staff …                                   staff accounts (scripts/admin/staff.ts)
 *   examples export [--out <dir>]             the taught examples as intents/<intent>.yaml additions (default dir: taught-examples)
 *   knowledge export <dir> | import <dir> [--draft]   on the store itself (scripts/admin/knowledge.ts)
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { BACKUP_USAGE, backupCommand } from './admin/backup.js';
import { STAFF_USAGE, staffCommand } from './admin/staff.js';
import { KNOWLEDGE_USAGE, knowledgeCommand } from './admin/knowledge.js';

const USAGE = `usage: npm run admin -- offices | status <office-id> <open|limited|closed|reopening> [--expected "…"] [--note-es "…"] | reload | stats [from] [to] | audit | examples export [--out <dir>] | ${BACKUP_USAGE} | ${KNOWLEDGE_USAGE} | ${STAFF_USAGE}`;

async function main(): Promise<number> {
  const config = loadConfig();
  const [verb, ...params] = process.argv.slice(2);
  if (verb === 'backup' || verb === 'restore') return backupCommand(config, verb, params);
  if (verb === 'knowledge') return knowledgeCommand(config, params);
  if (!config.ADMIN_TOKEN) {
    console.error('ADMIN_TOKEN is not set: the admin API is off.');
    return 2;
  }
  const base = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}/api/admin`;
  const [command, ...args] = process.argv.slice(2);
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${config.ADMIN_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    console.log(text.startsWith('{') ? JSON.stringify(JSON.parse(text), null, 2) : text);
    return res.ok ? 0 : 1;
  };
  switch (command) {
    case 'offices':
      return call('GET', '/offices');
    case 'reload':
      return call('POST', '/knowledge/reload');
    case 'audit':
      return call('GET', '/audit');
    case 'staff':
      return staffCommand(args, call);
    case 'examples': {
      if (args[0] !== 'export') break;
      const out = args[1] === '--out' && args[2] ? args[2] : 'taught-examples';
      const res = await fetch(`${base}/examples/export`, { headers: { authorization: `Bearer ${config.ADMIN_TOKEN}` } });
      if (!res.ok) {
        console.error(await res.text());
        return 1;
      }
      const { files } = (await res.json()) as { files: { path: string; yaml: string; examples: number }[] };
      // Files of their own beside the checkout's intents/: the IT team merges them and commits.
      for (const f of files) {
        const file = path.join(out, path.basename(f.path));
        fs.mkdirSync(out, { recursive: true });
        fs.writeFileSync(file, f.yaml);
        console.log(`${file}: ${f.examples} examples to add to ${f.path}`);
      }
      if (files.length === 0) console.log('No taught examples.');
      return 0;
    }
    case 'stats': {
      const q = new URLSearchParams({ ...(args[0] ? { from: args[0] } : {}), ...(args[1] ? { to: args[1] } : {}) });
      return call('GET', `/stats?${q}`);
    }
    case 'status': {
      const [id, status, ...rest] = args;
      if (!id) break;
      const body: Record<string, unknown> = status ? { status } : {};
      for (let i = 0; i < rest.length; i += 2) {
        const [flag, value] = [rest[i], rest[i + 1] ?? ''];
        if (flag === '--expected') body.expectedReopening = value;
        else if (flag.startsWith('--note-')) body.note = { ...(body.note as object), [flag.slice(7)]: value };
        else {
          console.error(`unknown option ${flag}\n${USAGE}`);
          return 2;
        }
      }
      return call('PATCH', `/offices/${encodeURIComponent(id)}`, body);
    }
  }
  console.error(USAGE);
  return 2;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`admin: ${err?.cause?.code === 'ECONNREFUSED' ? 'the server is not running' : err?.message ?? err}`);
    process.exit(1);
  },
);
