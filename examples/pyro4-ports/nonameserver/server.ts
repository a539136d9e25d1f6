/**
 * Port of Pyro4's `examples/nonameserver`, the server: two quote generators, one registered under
 * a generated id and one under a name of our choosing, their URIs printed for the client.
 */
import { spawnSync } from "node:child_process";
import { Daemon, expose } from "@pyrots/core";

class QuoteGen {
  @expose
  quote(): string {
    // As Python's os.popen('fortune'): through the shell, its complaints left on stderr.
    const fortune = spawnSync("/bin/sh", ["-c", "fortune"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    if (fortune.error) return "This system knows no witty quotes :-(";
    return fortune.stdout.length > 0 ? fortune.stdout : "This system cannot provide you a good fortune, install 'fortune'";
  }
}

await using daemon = await Daemon.create();
const uri1 = daemon.register(new QuoteGen()); // pyrots makes up a unique id for this one
const uri2 = daemon.register(new QuoteGen(), "example.quotegen"); // our own name for this one
console.log("QuoteGen is ready, not using the Name Server.");
console.log("You can use the following two URIs to connect to me:");
console.log(uri1.toString());
console.log(uri2.toString());
await daemon.requestLoop();
