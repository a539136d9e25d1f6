/**
 * Port of Pyro4's `examples/unixdomainsock`, the server: a daemon on a Unix domain socket instead
 * of TCP; its URI says so (`PYRO:example.unixsock@./u:example_unix.sock`).
 */
import { rmSync } from "node:fs";
import { Daemon, expose } from "@pyrots/core";
import { print } from "../common/python.js";

@expose
class Thingy {
  message(arg: string): string {
    print("Message received:", arg);
    return "Roger!";
  }
}

rmSync("example_unix.sock", { force: true });
await using daemon = await Daemon.create({ unixSocket: "example_unix.sock" });
const uri = daemon.register(Thingy, "example.unixsock");
print("Server running, uri=", uri.toString());
await daemon.requestLoop();
