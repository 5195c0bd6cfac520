/**
 * An open-addressing hash map from int32 keys to small non-negative ints, on typed arrays.
 * The encoder looks up ~150 n-gram hashes per message: several times faster than a Map here.
 */
export class IntMap {
  private keys: Int32Array;
  private vals: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity * 2) cap <<= 1;
    this.keys = new Int32Array(cap);
    this.vals = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  private slot(key: number): number {
    let i = Math.imul(key, 0x9e3779b1) & this.mask;
    while (this.vals[i] !== -1 && this.keys[i] !== key) i = (i + 1) & this.mask;
    return i;
  }

  /** The value of key, or -1. */
  get(key: number): number {
    return this.vals[this.slot(key)];
  }

  set(key: number, value: number): void {
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    const i = this.slot(key);
    if (this.vals[i] === -1) this.size++;
    this.keys[i] = key;
    this.vals[i] = value;
  }

  /** The raw tables, to cache a trained vocabulary. */
  get tables(): { keys: Int32Array; vals: Int32Array; size: number } {
    return { keys: this.keys, vals: this.vals, size: this.size };
  }

  static fromTables(keys: Int32Array, vals: Int32Array, size: number): IntMap {
    const map = new IntMap(1);
    map.keys = keys;
    map.vals = vals;
    map.mask = keys.length - 1;
    map.size = size;
    return map;
  }

  private grow(): void {
    const { keys, vals } = this;
    this.keys = new Int32Array(keys.length * 2);
    this.vals = new Int32Array(keys.length * 2).fill(-1);
    this.mask = this.keys.length - 1;
    this.size = 0;
    for (let i = 0; i < keys.length; i++) if (vals[i] !== -1) this.set(keys[i], vals[i]);
  }
}
