import { z } from 'zod';

/** `?limit=&before=` of a list read newest first, a page at a time. */
export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('At most this many (1-500, default 100)'),
  before: z.coerce.number().int().min(0).optional().describe("The previous page's `next`: older entries than those"),
});

export const nextPage = z.number().optional().describe('There are older entries: send it as `before` for the next page');

/** A list that only grows, read by position (0 the oldest), as the stores keep the audit log and the announcements. */
export interface Ranged<T> {
  size(): Promise<number>;
  /** The entries at positions from..to-1, oldest first. */
  range(from: number, to: number): Promise<T[]>;
}

/**
 * A page of a growing list, newest first: read backwards in chunks from `before` (default: the
 * end), keeping the entries `keep` accepts (the caller's organisations), until `limit` are kept.
 * Never the whole list at once: 72 status changes made a 6 MB audit log read whole on every visit.
 */
export async function newestFirst<T>(list: Ranged<T>, keep: (item: T) => boolean, limit: number, before?: number): Promise<{ items: T[]; next?: number }> {
  const items: T[] = [];
  let end = Math.min(before ?? Infinity, await list.size());
  const chunk = Math.max(limit, 100);
  while (end > 0) {
    const from = Math.max(0, end - chunk);
    const read = await list.range(from, end);
    for (let i = read.length - 1; i >= 0; i--) {
      if (!keep(read[i])) continue;
      if (items.length === limit) return { items, next: from + i + 1 };
      items.push(read[i]);
    }
    end = from;
  }
  return { items };
}
