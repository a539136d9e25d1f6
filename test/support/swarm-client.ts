/**
 * Many client connections from one process: `node swarm-client.js URI N`. Opens N proxies (each
 * its own connection), checks an answer on each, prints `HELD N`, and holds them. A line `check`
 * on stdin calls each again (prints `OK N`); end of stdin closes them all, prints `CLOSED`, exits.
 * Run with a raised `ulimit -n`: N connections need N descriptors.
 */
import { createInterface } from "node:readline";
import { Proxy } from "@pyrots/core";

interface TargetApi {
  echo(value: unknown): Promise<unknown>;
}

const [uri, countText] = process.argv.slice(2);
const count = Number(countText);
const proxies = Array.from({ length: count }, (_, i) => new Proxy<TargetApi>(uri!, { serializer: i % 2 ? "json" : "msgpack" }));

/** Calls echo on every proxy, 100 at a time (a burst of 1,000 connects would overflow the accept backlog). */
async function callAll(): Promise<void> {
  for (let start = 0; start < count; start += 100) {
    await Promise.all(
      proxies.slice(start, start + 100).map(async (proxy, j) => {
        const i = start + j;
        const answer = await proxy.echo(`connection ${i}`);
        if (answer !== `connection ${i}`) throw new Error(`connection ${i} got ${JSON.stringify(answer)}`);
      }),
    );
  }
}

await callAll();
process.stdout.write(`HELD ${count}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line === "check") {
    await callAll();
    process.stdout.write(`OK ${count}\n`);
  }
}
await Promise.all(proxies.map((p) => (p as unknown as AsyncDisposable)[Symbol.asyncDispose]()));
process.stdout.write("CLOSED\n");
