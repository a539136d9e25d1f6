/**
 * Filling a batch of a remote iterator's items (`Pyro.Daemon.get_next_stream_items`, see
 * `streams.ts`): up to a count, under a byte budget, to the iterator's end, or to its error. An
 * item taken from the iterator that no longer fits is kept for the next batch; an error after
 * some items is kept for the next pull, so the items before it go out first.
 */

/** Iterators and async iterators alike. */
export type AnyIterator = Iterator<unknown> | AsyncIterator<unknown>;

/** A batch of items: `[items, ended]`, `ended` true when the iterator finished after them. */
export type StreamBatch = [unknown[], boolean];

/** How a batch is measured while it is filled. */
export interface BatchRules {
  /** Most items. */
  max: number;
  /** Bytes the items may take (the first item always goes). */
  budgetBytes: number;
  /** An item's size once sent; throws when it cannot be sent (the items before it go, the error comes next). */
  measure(value: unknown): number;
  /** True when the batch must end after the item just added (the method set response annotations for it). */
  endsAfterItem(): boolean;
}

/** What a stream keeps between batches. */
export interface BatchState {
  iterator: AnyIterator;
  /** An item taken from the iterator that did not fit the last batch: the next pull sends it first. */
  held: { value: unknown } | undefined;
  /** An error taken while filling a batch that already had items: the next pull throws it. */
  failure: { error: unknown } | undefined;
}

/** How a batch ends its stream in the registry. */
export interface StreamEnds {
  /** The stream is still registered (it may be closed while an async iterator works). */
  isOpen(): boolean;
  /** Forgets the stream (its iterator ended or failed). */
  forget(): void;
  /** Forgets the stream and closes its iterator. */
  close(): void;
}

interface Filling {
  items: unknown[];
  bytes: number;
  ended: boolean;
}

/** The next batch of `state`'s iterator (a Promise for async iterators); throws an error that came before any item. */
export function fillBatch(state: BatchState, rules: BatchRules, ends: StreamEnds): StreamBatch | Promise<StreamBatch> {
  const batch: Filling = { items: [], bytes: 0, ended: false };
  if (state.held) {
    const { value } = state.held;
    state.held = undefined;
    if (!accept(state, batch, { done: false, value }, rules, ends)) return [batch.items, batch.ended];
  }
  return fill(state, batch, rules, ends);
}

function fill(state: BatchState, batch: Filling, rules: BatchRules, ends: StreamEnds): StreamBatch | Promise<StreamBatch> {
  // The first item goes whatever its size (as with the one-item call): a batch is never empty unless the iterator ended.
  while (batch.items.length < rules.max && (batch.items.length === 0 || batch.bytes < rules.budgetBytes)) {
    let step: IteratorResult<unknown> | Promise<IteratorResult<unknown>>;
    try {
      step = state.iterator.next();
    } catch (error) {
      return failedDuring(state, batch, error, ends);
    }
    if (step instanceof Promise) {
      return step.then(
        (result) => (accept(state, batch, result, rules, ends) ? fill(state, batch, rules, ends) : [batch.items, batch.ended]),
        (error: unknown) => failedDuring(state, batch, error, ends),
      );
    }
    if (!accept(state, batch, step, rules, ends)) break;
  }
  return [batch.items, batch.ended];
}

/** Adds an iterator result to a batch; false when the batch is complete. Throws when its first item cannot be sent. */
function accept(state: BatchState, batch: Filling, result: IteratorResult<unknown>, rules: BatchRules, ends: StreamEnds): boolean {
  if (result.done) {
    ends.forget();
    batch.ended = true;
    return false;
  }
  let size: number;
  try {
    size = rules.measure(result.value);
  } catch (error) {
    if (batch.items.length === 0) {
      // Nothing to send: the stream ends with the error now (its iterator is closed).
      ends.close();
      throw error;
    }
    if (ends.isOpen()) state.failure = { error };
    return false;
  }
  if (batch.items.length > 0 && batch.bytes + size > rules.budgetBytes) {
    // Taken from the iterator already: it goes first in the next batch.
    state.held = { value: result.value };
    return false;
  }
  batch.items.push(result.value);
  batch.bytes += size;
  return !rules.endsAfterItem();
}

/** The iterator failed while a batch was filled: thrown now when the batch is empty, else kept for the next pull. */
function failedDuring(state: BatchState, batch: Filling, error: unknown, ends: StreamEnds): StreamBatch {
  if (batch.items.length === 0) {
    ends.forget();
    throw error;
  }
  if (ends.isOpen()) state.failure = { error };
  return [batch.items, batch.ended];
}
