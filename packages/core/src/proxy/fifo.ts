/**
 * A first-in, first-out queue on a ring of slots that doubles when full. `Array#shift` is cheap
 * only while an array is short: past a few tens of thousands of items V8 copies the rest on each
 * call, and 100,000 calls queued toward a Pyro4 daemon (one call in flight at a time) then cost
 * ~90 µs each to take out. Here each push and shift is O(1) at any length. Items are never
 * `undefined` (that is what `shift` returns when the queue is empty).
 */
export class Fifo<T> {
  private items: Array<T | undefined> = new Array<T | undefined>(4).fill(undefined);
  private head = 0;
  private count = 0;

  /** Number of items in the queue. */
  get length(): number {
    return this.count;
  }

  /** Adds `item` at the back. */
  push(item: T): void {
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) & (this.items.length - 1)] = item;
    this.count++;
  }

  /** Takes the item at the front out; undefined when the queue is empty. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.count--;
    return item;
  }

  /** Takes every item out, front first. */
  takeAll(): T[] {
    const all: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) all.push(item);
    return all;
  }

  /** Doubles the ring, the front moving to slot 0 (the length stays a power of two for the masks). */
  private grow(): void {
    const items = new Array<T | undefined>(this.items.length * 2).fill(undefined);
    const mask = this.items.length - 1;
    for (let i = 0; i < this.count; i++) items[i] = this.items[(this.head + i) & mask];
    this.items = items;
    this.head = 0;
  }
}
