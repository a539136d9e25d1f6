/**
 * The streaming example in one process: starts the server, runs the client against it, stops.
 * `node examples/streaming/dist/demo.js` (the smoke test runs this).
 */
import { runClient } from "./client.js";
import { runMain } from "@pyrots/example-support";
import { startServer } from "./server.js";

runMain(async () => {
  const { daemon, uri } = await startServer();
  console.log(`server: serving ${uri}`);
  try {
    await runClient(uri, (line) => console.log(`client: ${line}`));
  } finally {
    await daemon.shutdown();
  }
  console.log("demo finished");
});
