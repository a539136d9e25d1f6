/**
 * A queue served round-robin over its owners (client connections): each owner's items leave in
 * their order, but an owner with many items waiting does not hold up the others.
 */
export class FairQueue<T> {
  /** Owner → its waiting items; Map order is the round-robin order. */
  readonly #byOwner = new Map<object, T[]>();
  #size = 0;

  /** Items waiting, over all owners. */
  get size(): number {
    return this.#size;
  }

  /** Adds `item` at the end of `owner`'s line. */
  push(owner: object, item: T): void {
    const line = this.#byOwner.get(owner);
    if (line) line.push(item);
    else this.#byOwner.set(owner, [item]);
    this.#size++;
  }

  /** Takes the next item: the first of the owner whose turn it is; that owner goes to the back. */
  shift(): T | undefined {
    for (const [owner, line] of this.#byOwner) {
      this.#byOwner.delete(owner);
      const item = line.shift()!;
      if (line.length > 0) this.#byOwner.set(owner, line);
      this.#size--;
      return item;
    }
    return undefined;
  }

  /** Removes and returns `owner`'s waiting items. */
  removeOwner(owner: object): T[] {
    const line = this.#byOwner.get(owner) ?? [];
    this.#byOwner.delete(owner);
    this.#size -= line.length;
    return line;
  }

  /** Removes and returns every waiting item. */
  drain(): T[] {
    const all = [...this.#byOwner.values()].flat();
    this.#byOwner.clear();
    this.#size = 0;
    return all;
  }
}
