/**
 * npm run admin -- staff …: staff accounts through the admin API (ADMIN_TOKEN).
 *
 *   staff add <username> --role admin|editor|viewer [--org <id>]… [--lang es|ca|it|sv|en]
 *   staff list
 *   staff passwd <username>
 *   staff remove <username>
 *
 * add and passwd read the password from standard input when it is piped (`… < file`, `printf … |`);
 * at a terminal they generate one and print it once. It is never an argument (shell history, ps).
 */
import { generatePassword } from '../../src/features/staff/passwords.js';

export const STAFF_USAGE = 'staff add <username> --role admin|editor|viewer [--org <id>]… [--lang <lang>] | staff list | staff passwd <username> | staff remove <username>';

type Call = (method: string, path: string, body?: unknown) => Promise<number>;

async function readPassword(): Promise<{ password: string; generated: boolean }> {
  if (process.stdin.isTTY) return { password: generatePassword(), generated: true };
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return { password: text.replace(/\r?\n$/, ''), generated: false };
}

export async function staffCommand(args: string[], call: Call): Promise<number> {
  const [sub, username, ...rest] = args;
  if (sub === 'list') return call('GET', '/staff');
  if (!username) return usage();
  const path = `/staff/${encodeURIComponent(username)}`;
  if (sub === 'remove') return call('DELETE', path);
  if (sub === 'passwd') {
    const { password, generated } = await readPassword();
    const code = await call('PATCH', path, { password });
    if (code === 0 && generated) console.log(`New password for ${username} (shown once): ${password}`);
    return code;
  }
  if (sub !== 'add') return usage();
  const body: { username: string; role?: string; orgs: string[]; lang?: string } = { username, orgs: [] };
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i], rest[i + 1]];
    if (value === undefined) return usage(`${flag} needs a value`);
    if (flag === '--role') body.role = value;
    else if (flag === '--org') body.orgs.push(value);
    else if (flag === '--lang') body.lang = value;
    else return usage(`unknown option ${flag}`);
  }
  const { password, generated } = await readPassword();
  const code = await call('POST', '/staff', { ...body, password });
  if (code === 0 && generated) console.log(`Password for ${username} (shown once): ${password}`);
  return code;
}

function usage(problem?: string): number {
  console.error(`${problem ? `${problem}\n` : ''}usage: npm run admin -- ${STAFF_USAGE}`);
  return 2;
}
