/**
 * Remote iterators and batches with real Python Pyro4 on the other side, both directions, per
 * serializer. The Python client runs all its checks in one process per serializer; the Python
 * daemon is started once per serializer.
 */
import { expect } from "chai";
import { BatchError, Daemon, Proxy, type Remote, RemoteError, RemoteStream, batch, behavior, expose, runBatch } from "@pyrots/core";
import { PYTHON_PYROS, SERIALIZERS, type PythonDaemon, describeInterop, pythonLabel } from "../support/python.js";
import { type ErrorInfo, type Results, runFeatureClient, startFeatureDaemon, valueOf } from "./feature-support.js";

const WAIT_MS = 5_000;

/** Generators whose `finally` ran, by label; `finished(label)` waits for one to appear. */
const finished = new Set<string>();

@expose
@behavior({ instanceMode: "single" })
class Streams {
  *count(n: number, label: string): Generator<number> {
    try {
      for (let i = 0; i < n; i++) yield i;
    } finally {
      finished.add(label);
    }
  }

  async *slowly(n: number): AsyncGenerator<string> {
    for (let i = 0; i < n; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      yield `item ${i}`;
    }
  }

  *failing(): Generator<number> {
    yield 1;
    yield 2;
    throw new RangeError("broken at 3");
  }

  async finished(label: string): Promise<boolean> {
    const deadline = Date.now() + WAIT_MS;
    while (!finished.has(label) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    return finished.has(label);
  }
}

@expose
@behavior({ instanceMode: "single" })
class Counter {
  value = 0;

  inc(by: number): number {
    this.value += by;
    return this.value;
  }

  fail(text: string): never {
    throw new TypeError(text);
  }

  current(): number {
    return this.value;
  }
}

/** The Python daemon's Streams (snake_case) as a pyrots client sees it. */
interface PyStreamsApi {
  count(n: number, label: string): Iterable<number>;
  failing(): Iterable<number>;
  finished(label: string): boolean;
}

interface PyCounterApi {
  inc(by: number): number;
  fail(text: string): never;
  current(): number;
}

async function pollUntil(read: () => Promise<number>, expected: number): Promise<number> {
  const deadline = Date.now() + WAIT_MS;
  let value = await read();
  while (value !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    value = await read();
  }
  return value;
}

for (const pyro of PYTHON_PYROS)
  for (const serializer of SERIALIZERS) {
    describeInterop(
      `Python ${pyro.name} client iterating and batching against a pyrots daemon (${pythonLabel(pyro, serializer)})`,
      function () {
        let daemon: Daemon | undefined;
        let results: Results;

        before(async function () {
          this.timeout(60_000);
          finished.clear();
          daemon = await Daemon.create({ host: "127.0.0.1" });
          daemon.register(Streams, "interop.streams");
          daemon.register(Counter, "interop.counter");
          results = await runFeatureClient(daemon.locationStr, serializer, ["streaming", "batch"], {}, pyro);
        });
        after(async () => {
          await daemon?.shutdown();
        });

        it(`for x in proxy.count(5) gets a ${pyro.name} stream iterator with all items`, () => {
          expect(valueOf(results, "stream.all")).to.deep.equal([`${pyro.clientModule}._StreamResultIterator`, [0, 1, 2, 3, 4]]);
          expect(finished.has("all")).to.equal(true);
        });

        it("an async generator streams to Python too", () => {
          expect(valueOf(results, "stream.async")).to.deep.equal(["item 0", "item 1", "item 2"]);
        });

        it("iterator.close() after 3 items runs the TS generator's finally", () => {
          expect(valueOf(results, "stream.closed")).to.deep.equal([[0, 1, 2], true]);
        });

        it("break in a Python for loop closes the stream and runs the TS generator's finally", () => {
          expect(valueOf(results, "stream.broken")).to.deep.equal([[0, 1, 2], true]);
        });

        it("an error thrown inside the generator reaches Python at that item as builtins.ValueError", () => {
          const { items, error } = valueOf<{ items: number[]; error: ErrorInfo | null }>(results, "stream.failing");
          expect(items).to.deep.equal([1, 2]);
          expect(error).to.deep.equal({ type: "builtins.ValueError", str: "broken at 3" });
        });

        it("no stream is left open on the daemon afterwards", () => {
          expect(daemon!.stats.streams).to.equal(0);
        });

        it(`${pyro.name}'s batch(proxy) gets the results in order`, () => {
          const [start, values] = valueOf<[number, number[]]>(results, "batch.results");
          expect(values).to.deep.equal([start + 1, start + 3, start + 3]);
        });

        it("a failing call stops the batch: Python gets the results before it, then the error; later calls never ran", () => {
          const outcome = valueOf<{ start: number; items: number[]; error: ErrorInfo | null; after: number }>(results, "batch.error");
          expect(outcome.items).to.deep.equal([outcome.start + 1]);
          expect(outcome.error).to.deep.equal({ type: "builtins.TypeError", str: "in batch" });
          expect(outcome.after).to.equal(outcome.start + 1);
        });

        it("a oneway batch returns None at once and its calls run", () => {
          const [start, returned, after] = valueOf<[number, unknown, number]>(results, "batch.oneway");
          expect(returned).to.equal(null);
          expect(after).to.equal(start + 10);
        });
      },
      pyro,
    );

    describeInterop(
      `pyrots client iterating and batching against a Python ${pyro.name} daemon (${pythonLabel(pyro, serializer)})`,
      function () {
        let python: PythonDaemon | undefined;
        let streams: Remote<PyStreamsApi>;
        let counter: Remote<PyCounterApi>;

        before(async function () {
          this.timeout(30_000);
          python = await startFeatureDaemon(serializer, {}, pyro);
          streams = new Proxy<PyStreamsApi>(python.uris.streams!, { serializer });
          counter = new Proxy<PyCounterApi>(python.uris.counter!, { serializer });
        });
        after(async () => {
          await streams?.[Symbol.asyncDispose]();
          await counter?.[Symbol.asyncDispose]();
          await python?.stop();
        });

        it("for await streams a Python generator's items (a RemoteStream, not a list)", async () => {
          const result = await (streams.count(5, "all") as unknown as Promise<unknown>);
          expect(result).to.be.instanceOf(RemoteStream);
          const items: number[] = [];
          for await (const item of result as RemoteStream) items.push(item as number);
          expect(items).to.deep.equal([0, 1, 2, 3, 4]);
          expect(await streams.finished("all")).to.equal(true);
        });

        it("breaking out of for await closes the Python generator (its finally runs)", async () => {
          const items: number[] = [];
          for await (const item of streams.count(1000, "broken")) {
            items.push(item);
            if (item === 2) break;
          }
          expect(items).to.deep.equal([0, 1, 2]);
          expect(await streams.finished("broken")).to.equal(true);
        });

        it("an error raised in the Python generator reaches for await at that item", async () => {
          const items: number[] = [];
          let error: unknown;
          try {
            for await (const item of streams.failing()) items.push(item);
          } catch (e) {
            error = e;
          }
          expect(items).to.deep.equal([1, 2]);
          expect(error).to.be.instanceOf(RemoteError);
          expect((error as RemoteError).remoteType).to.equal("builtins.ValueError");
          expect((error as RemoteError).message).to.equal("broken at 3");
        });

        it("batch/runBatch gets the results in order", async () => {
          const start = await counter.current();
          const b = batch(counter);
          b.inc(1);
          b.inc(2);
          b.current();
          expect(await runBatch(b)).to.deep.equal([start + 1, start + 3, start + 3]);
        });

        it(`a failing call stops the batch where ${pyro.name} stops it: BatchError at index 1, later calls never ran`, async () => {
          const start = await counter.current();
          const b = batch(counter);
          b.inc(1);
          b.fail("in batch");
          b.inc(100);
          const error = await runBatch(b).then(
            () => expect.fail("the batch should have failed"),
            (e: unknown) => e,
          );
          expect(error).to.be.instanceOf(BatchError);
          const batchError = error as BatchError;
          expect(batchError.index).to.equal(1);
          expect(batchError.results).to.deep.equal([start + 1]);
          expect(batchError.cause).to.be.instanceOf(RemoteError);
          expect((batchError.cause as RemoteError).remoteType).to.equal("builtins.ValueError");
          expect((batchError.cause as RemoteError).message).to.equal("in batch");
          expect(await counter.current()).to.equal(start + 1);
        });

        it("a oneway batch resolves with no results and its calls run", async () => {
          const start = await counter.current();
          const b = batch(counter);
          b.inc(5);
          b.inc(5);
          expect(await runBatch(b, { oneway: true })).to.deep.equal([]);
          expect(await pollUntil(() => counter.current(), start + 10)).to.equal(start + 10);
        });
      },
      pyro,
    );
  }
