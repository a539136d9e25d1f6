/**
 * A daemon-like child for the lease tests: it serves an object, grants a lease of TTL seconds on a
 * name server, registers NAME for its object bound to that lease, keeps the lease alive every
 * TTL/3 seconds, and prints `READY <lease id> <uri>`. The test SIGKILLs it and watches the name go.
 *
 *   node lease-holder.js NS_URI NAME TTL
 */
import { Daemon, Proxy, callWithKwargs, expose } from "@pyrots/core";

@expose
class Held {
  ping(): string {
    return "pong";
  }
}

const [nsUri, name, ttlText] = process.argv.slice(2);
if (!nsUri || !name || !ttlText) {
  process.stderr.write("usage: lease-holder.js NS_URI NAME TTL\n");
  process.exit(2);
}
const ttl = Number(ttlText);
const daemon = await Daemon.create({ host: "127.0.0.1", port: 0, env: {} });
const uri = daemon.register(new Held(), "held");
const ns = new Proxy(nsUri, { env: {} });
const lease = (await callWithKwargs(ns, "lease_grant", [ttl], {})) as string;
await callWithKwargs(ns, "register", [name, String(uri)], { lease });
setInterval(
  () => {
    callWithKwargs(ns, "lease_keepalive", [lease], {}).catch((error: unknown) => process.stderr.write(`keepalive failed: ${String(error)}\n`));
  },
  (ttl * 1000) / 3,
);
process.stdout.write(`READY ${lease} ${uri}\n`);
await daemon.requestLoop();
