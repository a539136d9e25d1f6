/**
 * `npm start`: the whole currency scenario on this machine, no setup. Starts a name server (in
 * this process, on 127.0.0.1, never broadcasting), the worker (a child process), and the client;
 * then stops everything it started and exits.
 */
import { startNameServer } from "@pyrots/nameserver";
import { runMain, startNodeChild } from "@pyrots/example-support";
import { runClient } from "./client.js";
import { EXCHANGE_NAME } from "./exchange.js";

runMain(async () => {
  console.log("pyrots currency demo: a name server, a worker daemon and a client, all on 127.0.0.1\n");
  // Port 0 and no discovery: the demo never collides with a real pyro-ns or touches the network.
  await using ns = await startNameServer({ host: "127.0.0.1", port: 0, broadcast: false, mdns: false });
  const nsPort = String(ns.uri.port);
  console.log(`name server  ${ns.uri}`);

  const worker = await startNodeChild(
    new URL("./server.js", import.meta.url),
    ["--ns-host", "127.0.0.1", "--ns-port", nsPort],
    /ready: \S+ -> (\S+)/,
    () => undefined,
  );
  try {
    console.log(`worker       ${worker.ready[1]} (child process ${worker.child.pid}, registered as ${EXCHANGE_NAME})`);
    const uri = `PYRONAME:${EXCHANGE_NAME}@127.0.0.1:${nsPort}`;
    console.log(`client       new Proxy("${uri}")\n`);
    await runClient(uri);
  } finally {
    await worker.stop();
  }
  console.log("\nDone: worker stopped, name server closed.");
});
