/**
 * npm run admin -- <command>: the admin API from the terminal, against the running server
 * (http://HOST:PORT, with ADMIN_TOKEN from the environment).
 *
 *   offices                                   the status board
 *   status <office-id> <status> [--expected "text"] [--note-<lang> "text"]
 *   reload                                    re-read knowledge/
 *   stats [from] [to]                         YYYY-MM-DD
 *   audit                                     the audit log
 *   staff …                                   staff accounts (scripts/admin/staff.ts)
 */
import { loadConfig } from '../src/config.js';
import { STAFF_USAGE, staffCommand } from './admin/staff.js';

const USAGE = `usage: npm run admin -- offices | status <office-id> <open|limited|closed|reopening> [--expected "…"] [--note-es "…"] | reload | stats [from] [to] | audit | ${STAFF_USAGE}`;

async function main(): Promise<number> {
  const config = loadConfig();
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
