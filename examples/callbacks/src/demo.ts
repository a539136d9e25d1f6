/**
 * The callbacks example in one process: starts the station, runs the client (with its own
 * daemon) against it, stops. `node examples/callbacks/dist/demo.js` (the smoke test runs this).
 */
import { runClient } from "./client.js";
import { runMain } from "@pyrots/example-support";
import { startServer } from "./server.js";

runMain(async () => {
  const { daemon, uri } = await startServer();
  console.log(`server: serving ${uri}`);
  try {
    await runClient(uri, { print: (line) => console.log(`client: ${line}`) });
  } finally {
    await daemon.shutdown();
  }
  console.log("demo finished");
});
