import type { Announcement, AnnouncementRepository, FailureCount, LoginFailureRepository, StaffAccount, StaffAccountRepository, StaffSessionRepository, StaffStores, AccountChange } from './types.js';

/** STORE=memory: the staff records as plain structures of this process. */

class MemoryAccounts implements StaffAccountRepository {
  private accounts = new Map<string, StaffAccount>();

  async create(account: StaffAccount): Promise<boolean> {
    if (this.accounts.has(account.username)) return false;
    this.accounts.set(account.username, { ...account });
    return true;
  }

  async get(username: string): Promise<StaffAccount | undefined> {
    const a = this.accounts.get(username);
    return a && { ...a };
  }

  async list(): Promise<StaffAccount[]> {
    return [...this.accounts.values()].map((a) => ({ ...a })).sort((a, b) => a.username.localeCompare(b.username));
  }

  async update(username: string, change: AccountChange, at: string): Promise<StaffAccount | undefined> {
    const a = this.accounts.get(username);
    if (!a) return undefined;
    const defined = Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined));
    const next = { ...a, ...defined, updatedAt: at, passwordVersion: a.passwordVersion + (change.passwordHash ? 1 : 0) };
    this.accounts.set(username, next);
    return { ...next };
  }

  async remove(username: string): Promise<boolean> {
    return this.accounts.delete(username);
  }
}

class MemorySessions implements StaffSessionRepository {
  private sessions = new Map<string, { data: string; until: number }>();

  async get(id: string): Promise<string | undefined> {
    const s = this.sessions.get(id);
    if (s && s.until > Date.now()) return s.data;
    this.sessions.delete(id);
    return undefined;
  }

  async set(id: string, data: string, ttlMs: number): Promise<void> {
    this.sessions.set(id, { data, until: Date.now() + ttlMs });
  }

  async destroy(id: string): Promise<void> {
    this.sessions.delete(id);
  }
}

class MemoryFailures implements LoginFailureRepository {
  private counts = new Map<string, { n: number; until: number }>();

  async fail(key: string, windowMs: number): Promise<FailureCount> {
    const now = Date.now();
    const c = this.counts.get(key);
    const next = c && c.until > now ? { n: c.n + 1, until: c.until } : { n: 1, until: now + windowMs };
    this.counts.set(key, next);
    return { count: next.n, resetInMs: next.until - now };
  }

  async clear(key: string): Promise<void> {
    this.counts.delete(key);
  }

  async forgive(key: string): Promise<void> {
    const c = this.counts.get(key);
    if (c && c.n > 0) c.n--;
  }
}

class MemoryAnnouncements implements AnnouncementRepository {
  private all = new Map<string, Announcement>();

  async add(a: Announcement): Promise<void> {
    this.all.set(a.id, { ...a });
  }

  async list(): Promise<Announcement[]> {
    return [...this.all.values()].map((a) => ({ ...a })).sort((a, b) => (a.id < b.id ? 1 : -1));
  }

  async size(): Promise<number> {
    return this.all.size;
  }

  async range(from: number, to: number): Promise<Announcement[]> {
    return [...this.all.values()].slice(from, to).map((a) => ({ ...a }));
  }

  async reached(id: string, n: number): Promise<void> {
    const a = this.all.get(id);
    if (a) a.reached += n;
  }
}

export function memoryStaff(): StaffStores {
  return { accounts: new MemoryAccounts(), sessions: new MemorySessions(), failures: new MemoryFailures(), announcements: new MemoryAnnouncements() };
}
