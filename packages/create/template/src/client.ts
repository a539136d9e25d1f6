/**
 * The client: finds the worker by its name and calls it.
 *
 *     npm run client
 *
 * It needs the name server and the worker running (or `npm start` for everything).
 */
import { Proxy } from "@pyrots/core";
import { GREETER_NAME, type GreeterApi } from "./api.js";

async function main(): Promise<void> {
  // PYRONAME: the name server says where the object is; the proxy connects on the first call.
  await using greeter = new Proxy<GreeterApi>(`PYRONAME:${GREETER_NAME}`);
  console.log(await greeter.greet("pyrots"));
  console.log(await greeter.greet("again"));
  // Four calls at once over one connection: about 100 ms in all, not 400.
  const started = Date.now();
  const squares = await Promise.all([1, 2, 3, 4].map((x) => greeter.slowSquare(x)));
  console.log(`squares: ${squares.join(", ")} (${Date.now() - started} ms for four concurrent calls)`);
}

main().catch((error: unknown) => {
  console.error(`client: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
});
