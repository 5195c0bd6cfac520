import { z } from 'zod';
import { langSchema } from '../../knowledge/schema.js';
import { ROLES, type AccountChange, type StaffAccount, type StaffStores } from '../../storage/index.js';
import { hashPassword, MAX_PASSWORD, MIN_PASSWORD } from './passwords.js';
import { weakness } from './password-strength.js';

export const usernameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{1,31}$/, 'a username is 2 to 32 lowercase letters, digits, dots, dashes or underscores')
  .describe('Lowercase letters, digits, . _ -');

const codePoints = (s: string) => [...s].length;
export const passwordSchema = z
  .string()
  .refine((s) => codePoints(s) >= MIN_PASSWORD, `a password has at least ${MIN_PASSWORD} characters`)
  .refine((s) => codePoints(s) <= MAX_PASSWORD, `a password has at most ${MAX_PASSWORD} characters`)
  .describe(`At least ${MIN_PASSWORD} characters, and not too easy to guess (zxcvbn score 3 or more: not a common password, word or pattern, nor the username); stored only as an argon2id hash`);

const orgId = z.string().regex(/^[a-z0-9-]{1,100}$/, 'an organisation id');
export const roleSchema = z.enum(ROLES);

export const newAccountSchema = z.strictObject({
  username: usernameSchema,
  password: passwordSchema,
  role: roleSchema,
  orgs: z.array(orgId).max(50).default([]).describe("The organisations it works for (an admin's are every organisation)"),
  lang: langSchema.optional().describe("The console's language"),
});

export const accountChangeSchema = z
  .strictObject({ password: passwordSchema.optional(), role: roleSchema.optional(), orgs: z.array(orgId).max(50).optional(), lang: langSchema.optional() })
  .refine((c) => Object.keys(c).length > 0, 'a change needs at least one field');

/** An account as the API shows it: never its password or hash. */
export const accountReply = z.object({
  username: z.string(),
  role: roleSchema,
  orgs: z.array(z.string()),
  lang: langSchema.optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AccountReply = z.infer<typeof accountReply>;

export const publicAccount = ({ username, role, orgs, lang, createdAt, updatedAt }: StaffAccount): AccountReply => ({
  username,
  role,
  orgs,
  ...(lang ? { lang } : {}),
  createdAt,
  updatedAt,
});

/** Why an account was refused, in the API's words (a 400 or a 409). */
export class AccountError extends Error {
  constructor(
    readonly statusCode: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

async function refuseWeak(password: string, context: string[]): Promise<void> {
  const why = await weakness(password, context);
  if (why) throw new AccountError(400, `body/password: ${why}`);
}

/** Editors and viewers work for at least one organisation, and only for ones the knowledge base has. */
function checkOrgs(role: StaffAccount['role'], orgs: string[], known: string[]): void {
  const unknown = orgs.filter((o) => !known.includes(o));
  if (unknown.length) throw new AccountError(400, `Unknown organisation: ${unknown.join(', ')}. Known: ${known.join(', ')}.`);
  if (role !== 'admin' && orgs.length === 0) throw new AccountError(400, `An ${role} needs at least one organisation (orgs).`);
}

export type NewAccount = z.infer<typeof newAccountSchema>;
export type AccountEdit = z.infer<typeof accountChangeSchema>;

/** Staff accounts: created, changed and removed on the store; passwords hashed before anything is kept. */
export class StaffAccounts {
  constructor(
    private readonly staff: StaffStores,
    private readonly knownOrgs: () => string[],
  ) {}

  list(): Promise<StaffAccount[]> {
    return this.staff.accounts.list();
  }

  get(username: string): Promise<StaffAccount | undefined> {
    return this.staff.accounts.get(username);
  }

  async create(input: NewAccount): Promise<StaffAccount> {
    const orgs = [...new Set(input.orgs)];
    checkOrgs(input.role, orgs, this.knownOrgs());
    if (input.password === input.username) throw new AccountError(400, 'The password may not be the username.');
    await refuseWeak(input.password, [input.username, ...orgs]);
    const now = new Date().toISOString();
    const account: StaffAccount = {
      username: input.username,
      role: input.role,
      orgs,
      ...(input.lang ? { lang: input.lang } : {}),
      passwordHash: await hashPassword(input.password),
      passwordVersion: 1,
      createdAt: now,
      updatedAt: now,
    };
    if (!(await this.staff.accounts.create(account))) throw new AccountError(409, `The username "${input.username}" is taken.`);
    return account;
  }

  /** A new password ends the account's sessions (its version goes up); a new role or organisations apply at its next request. */
  async update(username: string, edit: AccountEdit): Promise<StaffAccount> {
    const current = await this.staff.accounts.get(username);
    if (!current) throw new AccountError(404, `No staff account "${username}".`);
    const role = edit.role ?? current.role;
    const orgs = edit.orgs ? [...new Set(edit.orgs)] : current.orgs;
    checkOrgs(role, orgs, this.knownOrgs());
    if (edit.password === username) throw new AccountError(400, 'The password may not be the username.');
    if (edit.password) await refuseWeak(edit.password, [username, ...orgs]);
    if (role !== 'admin') await this.keepAnAdmin(current);
    const change: AccountChange = {
      ...(edit.role ? { role } : {}),
      ...(edit.orgs ? { orgs } : {}),
      ...(edit.lang ? { lang: edit.lang } : {}),
      ...(edit.password ? { passwordHash: await hashPassword(edit.password) } : {}),
    };
    const updated = await this.staff.accounts.update(username, change, new Date().toISOString());
    if (!updated) throw new AccountError(404, `No staff account "${username}".`);
    return updated;
  }

  /** Its sessions end with it: each request checks that the account is still there. */
  async remove(username: string): Promise<boolean> {
    const current = await this.staff.accounts.get(username);
    if (current) await this.keepAnAdmin(current);
    return this.staff.accounts.remove(username);
  }

  /** The last admin account is not removed or demoted: without one, only ADMIN_TOKEN could manage staff again. */
  private async keepAnAdmin(account: StaffAccount): Promise<void> {
    if (account.role !== 'admin') return;
    const admins = (await this.list()).filter((a) => a.role === 'admin');
    if (admins.length <= 1) throw new AccountError(409, `"${account.username}" is the last admin: make another admin first.`);
  }
}
