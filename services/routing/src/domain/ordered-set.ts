// A sorted set with O(log n) insert, delete and first, over sorted-btree; entries are ordered by a numeric key,
// then a second numeric key, then id, so two entries never compare equal.
import { BTree } from './btree.js';

export interface OrderKey {
  primary: number;
  secondary: number;
  id: string;
}

export function compareOrderKeys(a: OrderKey, b: OrderKey): number {
  return a.primary - b.primary || a.secondary - b.secondary || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export class OrderedSet<V> {
  private readonly tree = new BTree<OrderKey, V>(undefined, compareOrderKeys);
  private readonly keys = new Map<string, OrderKey>();

  get size(): number {
    return this.keys.size;
  }

  has(id: string): boolean {
    return this.keys.has(id);
  }

  /** Inserts or moves the entry with this id to a new position. */
  set(key: OrderKey, value: V): void {
    this.delete(key.id);
    this.tree.set(key, value);
    this.keys.set(key.id, key);
  }

  delete(id: string): boolean {
    const key = this.keys.get(id);
    if (!key) return false;
    this.tree.delete(key);
    this.keys.delete(id);
    return true;
  }

  first(): V | undefined {
    const key = this.tree.minKey();
    return key === undefined ? undefined : this.tree.get(key);
  }

  /** Values in order, stopping as soon as `visit` returns true; returns the value it stopped at. */
  find(visit: (value: V) => boolean): V | undefined {
    let found: V | undefined;
    this.tree.forEachPair((_key, value) => {
      if (visit(value)) {
        found = value;
        return { break: true };
      }
      return undefined;
    });
    return found;
  }

  values(): IterableIterator<V> {
    return this.tree.values();
  }
}
