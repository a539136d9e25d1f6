/**
 * The worker: a daemon serving a Greeter, registered in the name server as GREETER_NAME. Runs
 * until Ctrl-C (or SIGTERM), then removes its name again.
 *
 *     npm run server
 *
 * It needs a name server: `npx pyro-ns` in another terminal (or `npm start` for everything).
 * PYRO_HOST sets the address it listens on (default localhost); PYRO_NS_HOST and PYRO_NS_PORT
 * say where the name server is (default localhost:9090).
 */
import { Daemon, expose, locateNS } from "@pyrots/core";
import { GREETER_NAME, type GreeterApi } from "./api.js";

/** Exposed: each of its public methods can be called remotely. One instance per connection. */
@expose
export class Greeter implements GreeterApi {
  private greeted = 0;

  greet(name: string): string {
    this.greeted += 1;
    return `Hello, ${name}! (greeting ${this.greeted} on this connection)`;
  }

  async slowSquare(x: number): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, 100));
    return x * x;
  }
}

async function main(): Promise<void> {
  const ns = await locateNS();
  const daemon = await Daemon.create({ port: 0 });
  const uri = daemon.register(Greeter, GREETER_NAME);
  await ns.register(GREETER_NAME, uri);
  console.log(`ready: ${GREETER_NAME} -> ${uri}`);

  const stop = async () => {
    // The name server may be gone already when everything stops together.
    await ns.remove(GREETER_NAME).catch(() => undefined);
    await ns[Symbol.asyncDispose]();
    await daemon.shutdown();
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
  await daemon.requestLoop();
}

main().catch((error: unknown) => {
  console.error(`server: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
