import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';

/**
 * Passwords with argon2id (the `argon2` package, a maintained binding of the reference code).
 * OWASP's first recommended setting: 19 MiB, two passes, one lane; each check takes tens of
 * milliseconds on the threadpool, not the event loop.
 */
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD = 12;
export const MAX_PASSWORD = 256;

export const hashPassword = (password: string): Promise<string> => argon2.hash(password, OPTIONS);

/** A hash checked when the username is unknown: the refusal then takes as long as a wrong password. */
let dummy: Promise<string> | undefined;
const dummyHash = () => (dummy ??= hashPassword(randomBytes(16).toString('base64url')));

/** Does the password match? With no hash (an unknown username) a dummy one is checked, and the answer is no. */
export async function checkPassword(hash: string | undefined, password: string): Promise<boolean> {
  const ok = await argon2.verify(hash ?? (await dummyHash()), password).catch(() => false);
  return ok && hash !== undefined;
}

/** 18 random bytes, 24 characters of base64url: the password `staff add` prints when none is given. */
export const generatePassword = (): string => randomBytes(18).toString('base64url');

/** Warms the dummy hash at start, so that the first unknown username takes no longer than the others. */
export const warmUp = (): Promise<unknown> => dummyHash();
