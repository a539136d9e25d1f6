/**
 * Filling a batch of a remote iterator's items (`Pyro.Daemon.get_next_stream_items`, see
 * `streams.ts`): up to a count, to the iterator's end, or to its error; an error after some items
 * is kept for the next pull, so the items before it go out first.
 *
 * A batch is encoded once, as its reply. Items are not measured one by one: the batch takes as
 * many items as the last batch's bytes per item let fit under the byte budget, and a batch whose
 * reply still comes out over the budget (or cannot be encoded) is cut, its first part sent and the
 * rest kept, in order, for the next pull. The generator makes each item once.
 *
 * | reply of `n` items                | what goes out                                               |
 * | --------------------------------- | ----------------------------------------------------------- |
 * | within the budget                 | all `n`                                                     |
 * | over the budget, `n` > 1          | as many as the bytes per item let fit (at most half), the rest next |
 * | cannot be encoded, `n` > 1        | the first half (again, until it can), the rest next         |
 * | over the budget, one item         | that item (the reply's own size check refuses it if over the message size limit) |
 * | cannot be encoded, one item       | nothing: the stream ends with the error                     |
 */

/** Iterators and async iterators alike. */
export type AnyIterator = Iterator<unknown> | AsyncIterator<unknown>;

/** A batch of items: `[items, ended]`, `ended` true when the iterator finished after them. */
export type StreamBatch = [unknown[], boolean];

/** How a batch is filled and sent. */
export interface BatchRules {
  /** Most items. */
  max: number;
  /** Bytes the encoded batch may take (a single item goes whatever its size). */
  budgetBytes: number;
  /**
   * Encodes a batch as its reply and returns its size in bytes; throws when it cannot be encoded.
   * Undefined: batches are not encoded here, and only `max` bounds them.
   */
  encode: ((batch: StreamBatch) => number) | undefined;
  /** True when the batch must end after the item just added (the method set response annotations for it). */
  endsAfterItem(): boolean;
}

/** What a stream keeps between batches. */
export interface BatchState {
  iterator: AnyIterator;
  /** Items taken from the iterator that were not sent yet (a batch that was cut): the next pulls send them first, in order. */
  held: unknown[];
  /** The iterator has finished (items may still be held). */
  exhausted: boolean;
  /** An error taken while filling a batch that already had items: thrown once the held items are sent. */
  failure: { error: unknown } | undefined;
  /** Encoded bytes per item of the last batch sent (0 until one was): how many items the next batch takes. */
  bytesPerItem: number;
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
  /** Items this batch may take. */
  limit: number;
  ended: boolean;
}

/** The next batch of `state`'s iterator (a Promise for async iterators); throws an error that came before any item. */
export function fillBatch(state: BatchState, rules: BatchRules, ends: StreamEnds): StreamBatch | Promise<StreamBatch> {
  const limit = itemLimit(state, rules);
  const batch: Filling = { items: state.held.length <= limit ? state.held.splice(0) : state.held.splice(0, limit), limit, ended: false };
  batch.ended = state.exhausted && state.held.length === 0;
  if (batch.ended || state.held.length > 0 || state.failure !== undefined || batch.items.length === limit) return reply(state, batch, rules, ends);
  return fill(state, batch, rules, ends);
}

/** Items the next batch takes: `max`, fewer when the last batch's bytes per item say more would pass the budget. */
function itemLimit(state: BatchState, rules: BatchRules): number {
  if (state.bytesPerItem <= 0) return rules.max;
  return Math.max(1, Math.min(rules.max, Math.floor(rules.budgetBytes / state.bytesPerItem)));
}

function fill(state: BatchState, batch: Filling, rules: BatchRules, ends: StreamEnds): StreamBatch | Promise<StreamBatch> {
  while (batch.items.length < batch.limit) {
    let step: IteratorResult<unknown> | Promise<IteratorResult<unknown>>;
    try {
      step = state.iterator.next();
    } catch (error) {
      return failedDuring(state, batch, error, rules, ends);
    }
    if (step instanceof Promise) {
      return step.then(
        (result) => (accept(state, batch, result, rules) ? fill(state, batch, rules, ends) : reply(state, batch, rules, ends)),
        (error: unknown) => failedDuring(state, batch, error, rules, ends),
      );
    }
    if (!accept(state, batch, step, rules)) break;
  }
  return reply(state, batch, rules, ends);
}

/** Adds an iterator result to a batch; false when the batch is complete. */
function accept(state: BatchState, batch: Filling, result: IteratorResult<unknown>, rules: BatchRules): boolean {
  if (result.done) {
    state.exhausted = true;
    batch.ended = true;
    return false;
  }
  batch.items.push(result.value);
  return !rules.endsAfterItem();
}

/** The iterator failed while a batch was filled: thrown now when the batch is empty, else kept for the next pull. */
function failedDuring(state: BatchState, batch: Filling, error: unknown, rules: BatchRules, ends: StreamEnds): StreamBatch {
  if (batch.items.length === 0) {
    ends.forget();
    throw error;
  }
  if (ends.isOpen()) state.failure = { error };
  return reply(state, batch, rules, ends);
}

/**
 * The batch to send, encoded once when it fits: cut while its reply is over the budget or cannot
 * be encoded, the items cut off held for the next pull. Throws when its first item alone cannot be
 * encoded (the stream is closed).
 */
function reply(state: BatchState, batch: Filling, rules: BatchRules, ends: StreamEnds): StreamBatch {
  const { items } = batch;
  let sent: StreamBatch = [items, batch.ended];
  if (rules.encode !== undefined) {
    for (;;) {
      const count = sent[0].length;
      let size: number;
      try {
        size = rules.encode(sent);
      } catch (error) {
        if (count <= 1) {
          ends.close();
          throw error;
        }
        sent = [items.slice(0, count >> 1), false];
        continue;
      }
      if (size <= rules.budgetBytes || count <= 1) {
        if (count > 0) state.bytesPerItem = size / count;
        break;
      }
      const fitting = Math.floor((count * rules.budgetBytes) / size);
      sent = [items.slice(0, Math.max(1, Math.min(count >> 1, fitting))), false];
    }
  }
  const count = sent[0].length;
  if (count < items.length) state.held.unshift(...items.slice(count));
  else if (batch.ended) ends.forget();
  return sent;
}
