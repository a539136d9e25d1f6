/**
 * Port of Pyro4's `examples/streaming`, the server: methods that return iterators and generators
 * are streamed to the client item by item (remote iterators), as with Pyro4's ITER_STREAMING.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { expose, loadConfig } from "@pyrots/core";
import { serveSimple } from "../common/serve-simple.js";

if (loadConfig().iterStreaming) console.log("Note: iter-streaming has been enabled in the Pyro config.");
else console.log("Note: iter-streaming has not been enabled in the Pyro config (PYRO_ITER_STREAMING).");

@expose
class Streamer {
  list(): number[] {
    return [1, 2, 3, 4, 5, 6, 7, 8, 9];
  }

  iterator(): Iterator<number> {
    return [1, 2, 3, 4, 5, 6, 7, 8, 9].values();
  }

  *generator(): Generator<number> {
    for (let i = 1; i < 10; i++) yield i;
  }

  /** An async generator: each item may take its time, and the daemon serves others meanwhile. */
  async *slow_generator(): AsyncGenerator<number> {
    for (let i = 1; i < 10; i++) {
      await sleep(500);
      yield i;
    }
  }

  *fibonacci(): Generator<number> {
    let [a, b] = [0, 1];
    for (;;) {
      yield a;
      [a, b] = [b, a + b];
    }
  }
}

await serveSimple([[Streamer, "example.streamer"]], { ns: false });
