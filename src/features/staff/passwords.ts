import * as argon2 from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import pLimit from 'p-limit';

/**
 * Passwords with argon2id (`@node-rs/argon2`, a maintained binding of the Rust argon2 crate, with
 * prebuilt binaries: the `argon2` package's prebuilt linux-x64 binary crashed here at the first hash).
 * OWASP's first recommended setting: 19 MiB, two passes, one lane; each check takes tens of
 * milliseconds on the threadpool, not the event loop.
 */
const OPTIONS = { algorithm: argon2.Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const MIN_PASSWORD = 12;
export const MAX_PASSWORD = 256;

/**
 * One hash at a time. argon2 runs on libuv's thread pool, which the sessions' SQLite driver and file
 * reads share: 32 logins at once took both cores and held new chats ~1 s (11 ms before). One hash
 * takes one core for tens of milliseconds; the others wait their turn here.
 */
const hashing = pLimit(1);
/** Past this many hashes waiting, a login or password change is refused at once rather than queued. */
export const MAX_WAITING_HASHES = 32;

/** Too many passwords waiting to be checked (a flood of logins): refused at once, the caller may try again shortly. */
export class HashingBusy extends Error {
  readonly statusCode = 503;
  constructor() {
    super('Too many logins at once: try again in a few seconds.');
  }
}

function limited<T>(work: () => Promise<T>): Promise<T> {
  if (hashing.pendingCount >= MAX_WAITING_HASHES) return Promise.reject(new HashingBusy());
  return hashing(work);
}

export const hashPassword = (password: string): Promise<string> => limited(() => argon2.hash(password, OPTIONS));

/** A hash checked when the username is unknown: the refusal then takes as long as a wrong password. */
let dummy: Promise<string> | undefined;
const dummyHash = () => (dummy ??= hashPassword(randomBytes(16).toString('base64url')));

/** Does the password match? With no hash (an unknown username) a dummy one is checked, and the answer is no. */
export async function checkPassword(hash: string | undefined, password: string): Promise<boolean> {
  const against = hash ?? (await dummyHash());
  const ok = await limited(() => argon2.verify(against, password).catch(() => false));
  return ok && hash !== undefined;
}

/** 18 random bytes, 24 characters of base64url: the password `staff add` prints when none is given. */
export const generatePassword = (): string => randomBytes(18).toString('base64url');

/** Warms the dummy hash at start, so that the first unknown username takes no longer than the others. */
export const warmUp = (): Promise<unknown> => dummyHash();
