/**
 * A client that is killed by the test while it waits: `node vanishing-client.js URI call|stream`.
 * `call` starts `slow(500)` on the target; `stream` pulls two items of a long remote iterator.
 * Prints `READY` when the daemon holds its call or stream, then waits to be killed.
 */
import { Proxy } from "@pyrots/core";

interface TargetApi {
  slow(ms: number): Promise<string>;
  ticks(n: number, stepMs: number): AsyncIterable<number>;
  echo(value: unknown): Promise<unknown>;
}

const [uri, mode] = process.argv.slice(2);
const target = new Proxy<TargetApi>(uri!);
await target.echo("hello");
if (mode === "stream") {
  const iterator = target.ticks(1_000_000, 5)[Symbol.asyncIterator]();
  await iterator.next();
  await iterator.next();
} else {
  void target.slow(500).catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 50));
}
process.stdout.write("READY\n");
// Stay alive (and connected) until killed; bounded so that a forgotten child ends by itself.
setTimeout(() => process.exit(3), 60_000);
