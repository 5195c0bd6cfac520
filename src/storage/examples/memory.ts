import { exampleKey, type AddOutcome, type ExampleRepository, type TaughtExample } from './types.js';

/** STORE=memory: the overlay in this process (each method runs to its end before another starts). */
export class MemoryExamples implements ExampleRepository {
  private readonly byId = new Map<string, TaughtExample>();
  private readonly byKey = new Map<string, string>();
  private readonly dismissals = new Set<string>();
  private changes = 0;

  async add(example: TaughtExample): Promise<AddOutcome> {
    const there = this.byKey.get(exampleKey(example));
    if (there) {
      const e = { ...this.byId.get(there)! };
      return e.intent === example.intent ? { existing: e } : { conflict: e };
    }
    this.byId.set(example.id, { ...example });
    this.byKey.set(exampleKey(example), example.id);
    this.changes++;
    return { added: { ...example } };
  }

  async remove(id: string): Promise<TaughtExample | undefined> {
    const e = this.byId.get(id);
    if (!e) return undefined;
    this.byId.delete(id);
    this.byKey.delete(exampleKey(e));
    this.changes++;
    return { ...e };
  }

  async list(): Promise<TaughtExample[]> {
    return [...this.byId.values()].map((e) => ({ ...e }));
  }

  async version(): Promise<number> {
    return this.changes;
  }

  async dismiss(review: string): Promise<void> {
    if (this.dismissals.has(review)) return;
    this.dismissals.add(review);
    this.changes++;
  }

  async dismissed(): Promise<string[]> {
    return [...this.dismissals];
  }
}
